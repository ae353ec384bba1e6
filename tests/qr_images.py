"""Decoding the QR codes a page serves, as a phone's camera would: each
inline SVG is drawn into a grey-scale bitmap here (the path segno writes is
made of one-module-high horizontal runs) and read with zxing-cpp."""

from __future__ import annotations

import re

import zxingcpp

PIXELS_PER_MODULE = 6
SVG = re.compile(r'<svg[^>]*viewBox="0 0 (\d+) (\d+)"[^>]*>.*?</svg>', re.S)
DARK_PATH = re.compile(r'<path[^>]*stroke="#000"[^>]*\bd="([^"]+)"')
STEP = re.compile(r"([MmHh])\s*(-?[\d.]+)(?:[ ,]\s*(-?[\d.]+))?")


def raster(svg: str, width: int, height: int) -> memoryview:
    """The SVG's dark runs drawn black on white, as rows of bytes."""
    scale = PIXELS_PER_MODULE
    pixels = bytearray([255]) * (width * scale * height * scale)
    x = y = 0.0
    for path in DARK_PATH.findall(svg):
        for command, first, second in STEP.findall(path):
            if command == "M":
                x, y = float(first), float(second)
            elif command == "m":
                x, y = x + float(first), y + float(second)
            elif command in "Hh":
                end = float(first) if command == "H" else x + float(first)
                row = int(y)  # a run is stroked along y = row + 0.5
                for column in range(int(x), int(end)):
                    for dy in range(scale):
                        start = (row * scale + dy) * width * scale + column * scale
                        pixels[start : start + scale] = b"\0" * scale
                x = end
    return memoryview(pixels).cast("B", (height * scale, width * scale))


def decode_qr_svgs(page: str) -> list[str]:
    """The text of each QR code on the page, in page order."""
    texts = []
    for match in SVG.finditer(page):
        found = zxingcpp.read_barcodes(raster(match.group(0), int(match.group(1)), int(match.group(2))), formats=zxingcpp.BarcodeFormat.QRCode)
        texts.append(found[0].text if found else None)
    return texts
