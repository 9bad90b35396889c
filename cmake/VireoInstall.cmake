# Installs the libraries and a CMake package so that consumers can write
#   find_package(vireo REQUIRED)
#   target_link_libraries(app PRIVATE vireo::transport)
include(CMakePackageConfigHelpers)

install(TARGETS vireo_transport vireo_codec
  EXPORT vireoTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
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
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/vireo)
