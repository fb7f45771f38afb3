"""Ready integrations with web frameworks: ``track17_facade.contrib.django``. Each imports its
framework only when it is imported itself."""

__all__: list[str] = []
