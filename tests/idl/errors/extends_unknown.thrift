// expect: extends "Missing", which is not defined
service S extends Missing {}
