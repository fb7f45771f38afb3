"""``manage.py track17_register`` and ``manage.py track17_sync``: Django finds a command as a module
of this package, named as the command is."""
