"""The one exception type for bad user input (design files, parameters, interventions)."""


class InputError(ValueError):
    """Bad input from a user: the message is one line naming the file, key, value and allowed range.

    The CLI prints it without a traceback and exits with code 2.
    """
