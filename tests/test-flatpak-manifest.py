#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest: identity and runtime, the modules the GNOME runtime lacks,
that every downloaded source is pinned to exact content, and that the sandbox gets audio
(PipeWire, with PulseAudio as fallback) and the Music folder but no network.

Usage: test-flatpak-manifest.py [MANIFEST]   (python3 standard library only)
"""

import json
import os
import re
import sys

APP_ID = "io.github.stratadaw.Strata"
DEFAULT_MANIFEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "flatpak",
                                APP_ID + ".json")
SHA256 = re.compile(r"[0-9a-f]{64}")
GIT_COMMIT = re.compile(r"[0-9a-f]{40}")
# Source types that fetch from the network and so must carry a checksum.
CHECKSUMMED_TYPES = ("archive", "file", "extra-data")

failures = []
passes = 0


def check(ok, message):
    global passes
    if ok:
        passes += 1
        print(f"ok {passes + len(failures)} - {message}")
    else:
        failures.append(message)
        print(f"not ok {passes + len(failures)} - {message}")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def walk_modules(modules, base_dir, out):
    """Flattens nested modules; a string names a module file relative to the manifest."""
    for m in modules:
        if isinstance(m, str):
            path = os.path.join(base_dir, m)
            sub = load(path)
            walk_modules([sub], os.path.dirname(path), out)
            continue
        out.append(m)
        walk_modules(m.get("modules", []), base_dir, out)
    return out


def source_problem(src):
    """Returns why a source is not pinned, or None when it is pinned or local."""
    if isinstance(src, str):
        return None  # a JSON file of sources next to the manifest: local
    kind = src.get("type")
    if kind in CHECKSUMMED_TYPES:
        if "url" not in src and "path" in src:
            return None  # a local file or archive
        if not SHA256.fullmatch(str(src.get("sha256", ""))):
            return f"{kind} source {src.get('url', '?')} has no valid sha256"
        return None
    if kind == "git":
        if "url" not in src and "path" in src:
            return None  # a local repository
        if not GIT_COMMIT.fullmatch(str(src.get("commit", ""))):
            return f"git source {src.get('url', '?')} is not pinned to a commit"
        return None
    if kind in ("bzr", "svn"):
        if not src.get("revision"):
            return f"{kind} source {src.get('url', '?')} has no revision"
        return None
    if kind in ("dir", "patch", "script", "shell", "inline"):
        if "url" in src:
            return f"{kind} source unexpectedly downloads {src['url']}"
        return None
    return f"unknown source type {kind!r}"


def filesystem_args(finish_args):
    """Maps each --filesystem=PATH[:MODE] to its mode ("rw" when none is given)."""
    out = {}
    for a in finish_args:
        if a.startswith("--filesystem="):
            path, _, mode = a[len("--filesystem="):].partition(":")
            out[path] = mode or "rw"
    return out


def main(argv):
    path = argv[1] if len(argv) > 1 else DEFAULT_MANIFEST
    try:
        manifest = load(path)
    except (OSError, json.JSONDecodeError) as e:
        print(f"Bail out! cannot read {path}: {e}")
        return 1

    app_id = manifest.get("app-id", manifest.get("id"))
    check(app_id == APP_ID, f"app-id is {APP_ID} (found {app_id!r})")
    check(os.path.basename(path) == f"{app_id}.json", "the manifest is named after the app-id")
    check(manifest.get("runtime") == "org.gnome.Platform",
          f"runtime is org.gnome.Platform (found {manifest.get('runtime')!r})")
    check(manifest.get("sdk") == "org.gnome.Sdk",
          f"sdk is org.gnome.Sdk (found {manifest.get('sdk')!r})")
    check(re.fullmatch(r"\d+(\.\d+)?", str(manifest.get("runtime-version", ""))) is not None,
          "runtime-version is a stable release")
    check(manifest.get("command") == "strata", "command is strata")

    modules = walk_modules(manifest.get("modules", []), os.path.dirname(os.path.abspath(path)), [])
    names = [m.get("name") for m in modules]
    check("libebur128" in names, "a libebur128 module is built")
    check(bool(modules) and modules[-1].get("name") == "strata"
          and modules[-1].get("buildsystem") == "meson",
          "the last module is strata, built with meson")

    n_sources = 0
    for m in modules:
        for src in m.get("sources", []):
            n_sources += 1
            problem = source_problem(src)
            check(problem is None, f"module {m.get('name')}: "
                  + (problem or f"source {n_sources} is pinned or local"))
    check(n_sources > 0, "modules have sources")

    finish = manifest.get("finish-args", [])
    fs = filesystem_args(finish)
    check("xdg-run/pipewire-0" in fs, "PipeWire socket access (--filesystem=xdg-run/pipewire-0)")
    check("--socket=pulseaudio" in finish, "PulseAudio fallback (--socket=pulseaudio)")
    check(fs.get("xdg-music") in ("rw", "create"),
          "Music folder access, writable for projects and recordings (--filesystem=xdg-music)")
    check("--share=ipc" in finish, "shared memory for X11 (--share=ipc)")
    check("--socket=wayland" in finish and "--socket=fallback-x11" in finish,
          "Wayland with X11 only as a fallback")
    check("--socket=x11" not in finish, "no unconditional X11 socket")
    check(not ({"home", "host", "host-os"} & set(fs)), "no home or host file system access")

    network = [a for a in finish if a == "--share=network"]
    for m in modules + [manifest]:
        network += [a for a in m.get("build-options", {}).get("build-args", [])
                    if a == "--share=network"]
    check(not network, "no network access, neither at run time nor while building")

    total = passes + len(failures)
    print(f"1..{total}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
