# CPack: `cpack -G DEB` from the build directory gives leadsyncd_<version>_<arch>.deb
# holding what `cmake --install` installs, under /usr with the config in
# /etc/leadsync. The maintainer scripts in debian/ create the user and
# reload systemd; the service is left for the operator to enable.
set(CPACK_PACKAGE_NAME leadsyncd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "leadsyncd maintainers <root@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# install_service.cmake derives /etc and the unit's paths from the prefix, so
# it must see /usr (with DESTDIR pointing at the staging tree), not the staging path.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "sqlite3")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# dpkg keeps an edited config on upgrade only for files listed as conffiles.
file(WRITE ${CMAKE_BINARY_DIR}/debian/conffiles "/etc/leadsync/leadsync.toml\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_BINARY_DIR}/debian/conffiles
    ${CMAKE_CURRENT_LIST_DIR}/debian/postinst
    ${CMAKE_CURRENT_LIST_DIR}/debian/prerm
    ${CMAKE_CURRENT_LIST_DIR}/debian/postrm)

include(CPack)
