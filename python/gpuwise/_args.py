"""Keyword arguments as command-line options: the command line stays the one place that checks
them and words the errors."""


def flags(**options):
    """`resident=True, repeats=100, gpu=0, memory_growth=False` ->
    ["--resident", "--repeats", "100", "--gpu", "0"]: False and None leave an option out, and
    nothing else does (0 is a value, not "off")."""
    args = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            args.append(flag)
        elif value is not False and value is not None:
            args += [flag, str(value)]
    return args
