# Installs the libraries, vireo-gen and a CMake package so that consumers can write
#   find_package(vireo REQUIRED)
#   target_link_libraries(app PRIVATE vireo::transport)
#   vireo_add_thrift(TARGET app_idl FILES app.thrift)   # runs vireo::vireo-gen
include(CMakePackageConfigHelpers)

install(TARGETS vireo_transport vireo_codec vireo_mux vireo_core
  EXPORT vireoTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(TARGET vireo-gen)
  set_target_properties(vireo-gen PROPERTIES EXPORT_NAME vireo-gen)
  install(TARGETS vireo-gen
    EXPORT vireoTargets
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(EXPORT vireoTargets
  NAMESPACE vireo::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vireo)
configure_package_config_file(cmake/vireoConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/vireoConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vireo)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/vireoConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/vireoConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/vireoConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/VireoThrift.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vireo)
