/**
 * A struct constant named inside another value. Apache 0.17 refuses every
 * such use ("const "COPY" was declared as struct/xception"): as a whole
 * constant, as a list element, as a map value, as a field default and as
 * a field of a struct literal. Struct literals written out in full are
 * accepted (defaults/container_defaults.thrift).
 */
namespace cpp corpus.rejects.structconst

struct Size {
  1: i32 width,
  2: i32 height,
}

const Size HD = {"width": 1280, "height": 720}

struct Frame {
  1: Size size = HD,
  2: list<Size> thumbnails = [HD],
}

const Size COPY = HD
const list<Size> SIZES = [HD]
const map<string, Size> BY_NAME = {"hd": HD}
const Frame FRAME = {"size": HD}
