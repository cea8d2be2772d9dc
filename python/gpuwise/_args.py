"""Keyword arguments as command-line options: the command line stays the one place that checks
them and words the errors."""


def flags(**options):
    """`resident=True, repeats=100, memory_growth=False` -> ["--resident", "--repeats", "100"]."""
    args = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            args.append(flag)
        elif value not in (False, None):
            args += [flag, str(value)]
    return args
