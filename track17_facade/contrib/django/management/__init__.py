"""The app's ``manage.py`` commands, where Django looks for them (``management.commands``)."""
