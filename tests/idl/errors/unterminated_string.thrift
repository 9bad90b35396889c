// expect: string literal runs past the end of the line
const string S = "never closed
