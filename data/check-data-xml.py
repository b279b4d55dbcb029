#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the XML data files that have no validator of their own: the application icons
(well-formed SVG with a square viewBox, the symbolic one 16x16 and single-colour, no
raster images or external references), the shared-mime-info package (well-formed, a glob
per type, and the desktop entry announces every type it defines), and what the AppStream
metainfo must agree on with the rest of the build (release, launchable, binaries, MIME
types) beyond what appstreamcli can know."""

import argparse
import configparser
import re
import sys
import xml.etree.ElementTree as ET

SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"

errors = []
MIME_TYPES = []


def fail(path, message):
    errors.append(f"{path}: {message}")


def parse(path):
    try:
        return ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        fail(path, f"cannot parse: {e}")
        return None


def view_box(path, root):
    vb = root.get("viewBox")
    if vb is None:
        fail(path, "the <svg> element has no viewBox")
        return None
    try:
        x, y, w, h = (float(v) for v in re.split(r"[\s,]+", vb.strip()))
    except ValueError:
        fail(path, f"malformed viewBox {vb!r}")
        return None
    if w <= 0 or h <= 0 or w != h:
        fail(path, f"viewBox {vb!r} is not a positive square")
    return (x, y, w, h)


def check_svg(path, symbolic):
    root = parse(path)
    if root is None:
        return
    if root.tag != SVG_NS + "svg":
        fail(path, f"root element is {root.tag}, not an SVG <svg>")
        return
    vb = view_box(path, root)
    drawn = 0
    for el in root.iter():
        if el.tag == SVG_NS + "image":
            fail(path, "embeds a raster <image>")
        href = el.get("href") or el.get(XLINK_HREF)
        if href and not href.startswith("#"):
            fail(path, f"references an external resource {href!r}")
        if el.tag in (SVG_NS + t for t in ("path", "rect", "circle", "ellipse", "polygon")):
            drawn += 1
    if drawn == 0:
        fail(path, "draws nothing")
    if symbolic:
        if vb and vb[2:] != (16.0, 16.0):
            fail(path, "a symbolic icon must be 16x16")
        colours = set()
        for el in root.iter():
            for attr in ("fill", "stroke"):
                v = el.get(attr)
                if v and v not in ("none", "currentColor"):
                    colours.add(v.lower())
        if len(colours) > 1:
            fail(path, f"a symbolic icon must use one colour, found {sorted(colours)}")


def check_mime(path, desktop):
    root = parse(path)
    if root is None:
        return
    if root.tag != MIME_NS + "mime-info":
        fail(path, f"root element is {root.tag}, not a shared-mime-info <mime-info>")
        return
    types = []
    MIME_TYPES[:] = types
    for mt in root.findall(MIME_NS + "mime-type"):
        name = mt.get("type", "")
        if not re.fullmatch(r"[a-z]+/[A-Za-z0-9.+-]+", name):
            fail(path, f"invalid MIME type name {name!r}")
        if not mt.findall(MIME_NS + "glob"):
            fail(path, f"{name} has no <glob>")
        if mt.find(MIME_NS + "comment") is None:
            fail(path, f"{name} has no <comment>")
        types.append(name)
    if not types:
        fail(path, "defines no MIME type")
    if desktop:
        entry = configparser.ConfigParser(interpolation=None, strict=False)
        entry.optionxform = str
        try:
            entry.read(desktop, encoding="utf-8")
            announced = entry["Desktop Entry"].get("MimeType", "").split(";")
        except (configparser.Error, KeyError) as e:
            fail(desktop, f"cannot read: {e}")
            return
        for name in types:
            if name not in announced:
                fail(desktop, f"MimeType does not list {name} defined in {path}")


def check_metainfo(path, version, desktop, mime_types):
    root = parse(path)
    if root is None:
        return
    if root.tag != "component" or root.get("type") != "desktop-application":
        fail(path, "root is not <component type=\"desktop-application\">")
        return
    app_id = root.findtext("id", "")
    launchable = root.findtext("launchable[@type='desktop-id']", "")
    if launchable != app_id + ".desktop":
        fail(path, f"launchable {launchable!r} is not {app_id}.desktop")
    if desktop and not desktop.endswith("/" + launchable) and desktop != launchable:
        fail(path, f"launchable {launchable!r} does not name the desktop file {desktop}")
    releases = root.findall("releases/release")
    if not releases:
        fail(path, "no <release>")
    elif version and releases[0].get("version") != version:
        fail(path, f"newest release is {releases[0].get('version')!r}, "
                   f"the project version is {version!r}")
    for r in releases:
        if r.find("description") is None:
            fail(path, f"release {r.get('version')} has no release notes")
    binaries = {b.text for b in root.findall("provides/binary")}
    for b in ("strata", "strata-render", "strata-play"):
        if b not in binaries:
            fail(path, f"<provides> lacks the binary {b}")
    mediatypes = {m.text for m in root.findall("provides/mediatype")}
    for t in mime_types:
        if t not in mediatypes:
            fail(path, f"<provides> lacks the MIME type {t}")
    if root.find("content_rating[@type='oars-1.1']") is None:
        fail(path, "no OARS 1.1 content rating")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--icon", action="append", default=[])
    ap.add_argument("--symbolic-icon", action="append", default=[])
    ap.add_argument("--mime")
    ap.add_argument("--desktop")
    ap.add_argument("--metainfo")
    ap.add_argument("--version")
    args = ap.parse_args()

    for p in args.icon:
        check_svg(p, symbolic=False)
    for p in args.symbolic_icon:
        check_svg(p, symbolic=True)
    if args.mime:
        check_mime(args.mime, args.desktop)
    if args.metainfo:
        check_metainfo(args.metainfo, args.version, args.desktop, MIME_TYPES)

    for e in errors:
        print(e, file=sys.stderr)
    checked = len(args.icon) + len(args.symbolic_icon) + (1 if args.mime else 0) + (1 if args.metainfo else 0)
    print(f"{checked} file(s) checked, {len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
