// expect: unsupported declaration 'cpp_namespace'
cpp_namespace vireo.old
