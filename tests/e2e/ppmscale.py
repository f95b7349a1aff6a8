"""ppmscale IN.ppm W H OUT.ppm: IN scaled to W x H by nearest neighbour
exactly as assist-cli/viewer.c does it (window pixel x shows source
pixel x * src_w // W), for comparing a scaled-down window byte for
byte. Written independently of the C code on purpose."""
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from ppmdiff import read_ppm  # noqa: E402

w0, h0, px = read_ppm(sys.argv[1])
w, h = int(sys.argv[2]), int(sys.argv[3])
out = bytearray()
for y in range(h):
    sy = y * h0 // h
    for x in range(w):
        sx = x * w0 // w
        i = (sy * w0 + sx) * 3
        out += px[i:i + 3]
with open(sys.argv[4], "wb") as f:
    f.write(b"P6\n%d %d\n255\n" % (w, h) + bytes(out))
