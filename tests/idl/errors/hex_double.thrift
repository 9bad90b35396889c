// expect: found identifier "p3"
const double D = 0x1p3
