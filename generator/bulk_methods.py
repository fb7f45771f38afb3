"""Write the clients' eight bulk methods from one table.

    python generator/bulk_methods.py [CLIENT]

The bulk methods (``register``, ``get_track_info``, ``stop_track``, ``retrack``, ``delete_track``,
``push``, ``change_carrier``, ``change_info``) share their shape, their options and most of their
documentation; they differ in a handful of facts, which ``OPERATIONS`` holds. This script renders
them into ``track17_facade/_async_client.py`` (or CLIENT), between the two marker lines, and
``generator/unasync.py`` then carries them into the synchronous client. ``python3 run.py -s
check_twins`` fails when the file differs from what this writes. Edit the table, never the
methods.

Written here rather than with a template engine: the output is a few dozen lines of Python whose
shape is fixed, and the table is easier to read as Python than as template variables.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENT = ROOT / "track17_facade" / "_async_client.py"
BEGIN = "    # -- the bulk methods: written by generator/bulk_methods.py from its table; do not edit --\n"
END = "    # -- end of the bulk methods ----------------------------------------------------------------\n"

NUMBERS = "Iterable[str | tuple[str, CarrierLike | None]]"
REGISTERED = (
    "registered tracking numbers, or ``(number, carrier)`` pairs: v2.4 sends the carrier, which "
    "picks the registration when a number has two (v1 takes numbers only)."
)


@dataclass(frozen=True)
class BulkOperation:
    """One bulk method: what differs from the others."""

    name: str
    summary: str
    """The docstring's first paragraph."""
    items_doc: str
    """What the items are (the ``Args`` entry of the first argument)."""
    result: str = "Accepted"
    items: str = "numbers"
    items_type: str = NUMBERS
    returns: str = ""
    """What the ``Returns`` section adds after "Every distinct item ... in input order."."""
    raises: str = ", or ``max_retries`` is negative."
    """What ``InvalidInputError``'s entry says after "``items`` is a single string"."""
    extra: tuple[tuple[str, str, str, str], ...] = field(default=())
    """Further keyword arguments: (name, type, default, documentation)."""
    screen: bool = False
    """Takes ``check_digits`` and screens numbers before sending (register)."""


def recovered(done: str) -> str:
    return f"A {done} by an earlier attempt of this call is accepted with ``recovered=True``."


OPERATIONS = (
    BulkOperation(
        name="register",
        summary="Register numbers for tracking; each newly accepted number uses one quota (one more "
        "with ``Registration.lang``).",
        items="items",
        items_type="Iterable[str | tuple[str, CarrierLike | None] | Registration]",
        items_doc="numbers, ``(number, carrier)`` pairs, or ``Registration`` items (tag, order number, "
        "language, carrier parameter: v2.4 only). Without a carrier 17TRACK detects it; on v2.4 the "
        "accepted item carries the carrier that was used. A carrier is a key (``Carrier.UPS``, "
        '``100002``, ``"100002"``), a ``CarrierInfo``, or a name (``"Royal Mail"``) that fits one '
        "carrier of ``CarrierDirectory.load()``; an unknown or ambiguous name rejects its row "
        "(FIELD_VALUE_INVALID, the message lists the candidates) before anything is sent.",
        returns="A number registered by an earlier attempt of this same call (one that failed after "
        "taking effect) is accepted with ``recovered=True``, not rejected as ALREADY_REGISTERED.",
        raises=", ``max_retries`` is negative, or a ``Registration`` holds fields this API version "
        "cannot send (v1: anything beyond number and carrier); nothing is sent then.",
        extra=(
            (
                "check_digits",
                "CheckDigits",
                '"off"',
                "what to do with a number whose check digit is wrong for every reading (see "
                "``check_number``: judged by the item's carrier when it names one, and without one "
                'only for shapes a single format owns), before anything is sent: "off" (the '
                'default: 17TRACK takes any number), "warn" (log a warning, send it, and mark it '
                '``Accepted.number_suspect``), or "reject" (reject it with '
                "``ErrorCode.CHECK_DIGIT_FAILED``: not sent, no quota spent).",
            ),
        ),
        screen=True,
    ),
    BulkOperation(
        name="get_track_info",
        summary="Current status and event history of registered numbers (free: no quota).",
        result="TrackInfo",
        items_doc=REGISTERED,
        returns="Accepted items are ``TrackInfo``.",
    ),
    BulkOperation(
        name="stop_track",
        summary="Stop tracking numbers: no more updates until they are retracked.",
        items_doc="tracking numbers being tracked, or ``(number, carrier)`` pairs (v2.4 sends the "
        "carrier; v1 takes numbers only).",
        returns=recovered("number stopped"),
    ),
    BulkOperation(
        name="retrack",
        summary="Resume tracking of stopped numbers (17TRACK allows this once per number, free).",
        items_doc="stopped tracking numbers, or ``(number, carrier)`` pairs (v2.4 sends the carrier; "
        "v1 takes numbers only).",
        returns=recovered("number retracked"),
    ),
    BulkOperation(
        name="delete_track",
        summary="Remove numbers from the account for good (registering one again uses quota again).",
        items_doc=REGISTERED,
        returns=recovered("number deleted"),
    ),
    BulkOperation(
        name="push",
        summary="Ask 17TRACK to push the current tracking of numbers to the webhook again.",
        items_doc=REGISTERED,
    ),
    BulkOperation(
        name="change_carrier",
        summary="Assign other carriers to registered numbers (at most 5 changes per number).",
        items="items",
        items_type="Iterable[tuple[str, CarrierLike] | tuple[str, CarrierLike | None, CarrierLike] "
        "| CarrierChange]",
        items_doc="``(number, new carrier)`` pairs, or ``(number, old carrier, new carrier)`` triples: "
        "on v2.4 the old carrier is sent as ``carrier_old``, which tells 17TRACK which registration "
        "to change when a number is registered with two carriers; or ``CarrierChange`` items, which "
        "also change the last-mile carrier (v2.4).",
        returns=recovered("change made"),
    ),
    BulkOperation(
        name="change_info",
        summary="Set the tag (e.g. an order reference) of registered numbers.",
        items="items",
        items_type="Iterable[tuple[str, str | None] | InfoChange]",
        items_doc="``(number, tag)`` pairs, a tag of None clearing it; or ``InfoChange`` items, which "
        "change the other registration fields too (v2.4) and leave those they do not give as they are.",
    ),
)
"""The bulk methods, in the order the clients list them."""

COMMON_ARGS = (
    ("max_retries", "retries per request for this call (default: the client's)."),
    (
        "timeout",
        "seconds, an ``httpx.Timeout``, or None for no limit, per request of this call (default: "
        "the client's).",
    ),
    ("on_progress", "called as ``on_progress(done, total)`` after each request completes."),
)


def wrap(text: str, first: str, rest: str, width: int = 100) -> list[str]:
    """``text`` in lines of at most ``width``, the first after ``first``, the others after ``rest``."""
    lines, line = [], first
    for word in text.split():
        candidate = f"{line} {word}" if line.strip() else f"{line}{word}"
        if len(candidate) > width and line.strip():
            lines.append(line)
            line = f"{rest}{word}"
        else:
            line = candidate
    lines.append(line)
    return lines


def method(operation: BulkOperation) -> str:
    """The source of one async bulk method."""
    indent, body = " " * 4, " " * 8
    extra_params = "".join(
        f"{body}{name}: {kind} = {default},\n" for name, kind, default, _ in operation.extra
    )
    head = (
        f"{indent}async def {operation.name}(\n"
        f"{body}self,\n"
        f"{body}{operation.items}: {operation.items_type},\n"
        f"{body}*,\n"
        f"{body}max_retries: int | None = None,\n"
        f"{body}timeout: TimeoutTypes | NotGiven = NOT_GIVEN,\n"
        f"{body}on_progress: ProgressCallback | None = None,\n"
        f"{extra_params}"
        f"{indent}) -> BatchResult[{operation.result}]:\n"
    )
    doc = wrap(operation.summary, f'{body}"""', body)
    doc += ["", f"{body}Args:"]
    args = [(operation.items, operation.items_doc), *COMMON_ARGS, *[(n, d) for n, _, _, d in operation.extra]]
    for name, text in args:
        doc += wrap(text, f"{body}    {name}:", f"{body}        ")
    returns = (
        "Every distinct item in exactly one of ``accepted``, ``rejected`` or ``failed``, in input order."
    )
    doc += [
        "",
        f"{body}Returns:",
        *wrap(f"{returns} {operation.returns}".strip(), f"{body}    ", f"{body}    "),
    ]
    doc += [
        "",
        f"{body}Raises:",
        f"{body}    AuthenticationError: the key was refused; the call stops at once.",
        *wrap(
            f"``{operation.items}`` is a single string{operation.raises}",
            f"{body}    InvalidInputError:",
            f"{body}        ",
        ),
        f'{body}"""',
    ]
    arguments = (
        f"self._api.{operation.name}, {operation.items}, self._call(max_retries, timeout, on_progress)"
    )
    if operation.screen:
        call = (
            f"{body}screen = self._screen(check_digits)\n{body}return await self._bulk({arguments}, screen)\n"
        )
    else:
        call = f"{body}return await self._bulk({arguments})\n"
    return head + "\n".join(doc) + "\n" + call


def render(source: str) -> str:
    """``source`` (the asyncio client) with its bulk methods written from ``OPERATIONS``."""
    if source.count(BEGIN) != 1 or source.count(END) != 1:
        raise SystemExit("generator/bulk_methods.py: the client must hold each marker line once")
    before, rest = source.split(BEGIN)
    _, after = rest.split(END)
    methods = "\n".join(method(operation) for operation in OPERATIONS)
    return before + BEGIN + "\n" + methods + "\n" + END + after


def main(target: Path = CLIENT) -> None:
    target.write_text(render(CLIENT.read_text()))
    # formatted by the same ruff and settings as the lint session
    config = ["--config", str(ROOT / "pyproject.toml")]
    command = [sys.executable, "-m", "ruff", "format", *config, "--quiet", str(target)]
    subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CLIENT)
