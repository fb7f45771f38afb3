"""A local, stateful 17TRACK server for tests, demos and benchmarks (needs ``track17[sandbox]``).

It serves all nine operations of the contract over real HTTP, enforces the 40-item and
rate limits, simulates shipments on a clock you control, pushes signed webhooks, and injects
faults on demand:

```python
from track17_facade.sandbox import Sandbox, FaultKind, RawAnswer

with Sandbox() as sandbox:
    sandbox.faults.enqueue(FaultKind.HTTP_503)     # the next request gets a 503
    sandbox.faults.enqueue(RawAnswer.html(502))    # then a proxy's HTML 502 page
    ...                                            # point a client at sandbox.base_url
    sandbox.advance(days=3)                        # shipments move on
```

Or from a shell: ``python -m track17_facade.sandbox --port 8017`` (or ``track17 sandbox``).

Every sandbox serves a web page at its root (``sandbox.page_url``): the registered numbers with
their simulated timelines, the API requests received with a chart of their pace against the
limit, and every push with your receiver's answer, kept current as they happen; and buttons to
advance the clock, push a number, set the webhook and inject faults.

Pushes reach a URL (``set_webhook(url)``) or, in tests, your ASGI or WSGI application in this
very process (``set_webhook(app=my_app, path="/webhooks/17track")``), in the shape of the API version
each number was registered through.
"""

from track17_facade.sandbox._delivery import DeliveryRecord
from track17_facade.sandbox._detect import detect_carrier
from track17_facade.sandbox._faults import FaultInjector, FaultKind, RawAnswer
from track17_facade.sandbox._process import SandboxProcess
from track17_facade.sandbox._records import RecordedResponse, RequestRecord, SandboxConfig, SandboxStats
from track17_facade.sandbox._server import Sandbox
from track17_facade.sandbox._webhooks import V1Shape, WebhookFormat, sign

__all__ = [
    "DeliveryRecord",
    "FaultInjector",
    "FaultKind",
    "RawAnswer",
    "RecordedResponse",
    "RequestRecord",
    "Sandbox",
    "SandboxConfig",
    "SandboxProcess",
    "SandboxStats",
    "V1Shape",
    "WebhookFormat",
    "detect_carrier",
    "sign",
]
