// expect: no constant or enum value named "NOPE"
const i32 X = NOPE
