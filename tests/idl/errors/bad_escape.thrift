// expect: escape
const string S = "tab\qhere"
