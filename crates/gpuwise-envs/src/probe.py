# gpuwise's interpreter probe: run with `-I` (isolated). Prints one JSON object describing this
# interpreter: its version, the PEP 508 marker environment and where it imports packages from.
# It imports nothing beyond what the interpreter has already loaded plus `json`, and never a
# framework; `platform` is only needed where os.uname is missing (Windows).
import json, os, site, sys

impl = sys.implementation
v = sys.version_info
full = "%d.%d.%d" % (v.major, v.minor, v.micro)
impl_version = "%d.%d.%d" % impl.version[:3]
if impl.version.releaselevel != "final":
    impl_version += impl.version.releaselevel[0] + str(impl.version.serial)
if hasattr(os, "uname"):
    u = os.uname()
    system, release, kversion, machine = u.sysname, u.release, u.version, u.machine
else:
    import platform
    system, release, kversion, machine = platform.system(), platform.release(), platform.version(), platform.machine()
print(json.dumps({
    "executable": sys.executable,
    "prefix": sys.prefix,
    "base_prefix": sys.base_prefix,
    "path": sys.path,
    "user_site": site.getusersitepackages(),
    "site_packages": site.getsitepackages() if hasattr(site, "getsitepackages") else [],
    "markers": {
        "implementation_name": impl.name,
        "implementation_version": impl_version,
        "os_name": os.name,
        "platform_machine": machine,
        "platform_python_implementation": {"cpython": "CPython", "pypy": "PyPy"}.get(impl.name, impl.name),
        "platform_release": release,
        "platform_system": system,
        "platform_version": kversion,
        "python_full_version": full,
        "python_version": "%d.%d" % (v.major, v.minor),
        "sys_platform": sys.platform,
    },
}))
