// expect: no constant or enum value named "RED"
enum Color { RED, GREEN }
const Color C = RED
