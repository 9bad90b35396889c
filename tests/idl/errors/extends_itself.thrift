// expect: service "S" extends "S", which is not defined before it
service S extends S {}
