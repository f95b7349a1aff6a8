"""ppmdiff WANT.ppm GOT.ppm MAX_MEAN: compares two binary PPM (P6)
pictures of the same size; prints the mean and the share of pixels off
by more than 64 in a channel, and exits 1 when the sizes differ or the
mean absolute difference per channel is above MAX_MEAN (a lossy JPEG of
the right picture stays far below; a wrong picture does not)."""
import sys


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise SystemExit("%s: not an 8-bit P6 file" % path)
    w, h = int(fields[1]), int(fields[2])
    px = data[pos + 1:pos + 1 + w * h * 3]
    if len(px) != w * h * 3:
        raise SystemExit("%s: short" % path)
    return w, h, px


def main():
    w1, h1, a = read_ppm(sys.argv[1])
    w2, h2, b = read_ppm(sys.argv[2])
    if (w1, h1) != (w2, h2):
        print("size %dx%d, want %dx%d" % (w2, h2, w1, h1))
        return 1
    total = sum(abs(x - y) for x, y in zip(a, b))
    far = sum(1 for i in range(0, len(a), 3)
              if max(abs(a[i + k] - b[i + k]) for k in range(3)) > 64)
    mean = total / len(a)
    print("mean %.2f, %.2f%% pixels far off" % (mean, 100.0 * far / (w1 * h1)))
    return 0 if mean <= float(sys.argv[3]) else 1


if __name__ == "__main__":
    sys.exit(main())
