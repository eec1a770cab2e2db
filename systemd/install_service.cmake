# Installs the unit and the example config; runs at install time (see
# CMakeLists.txt), with CMAKE_INSTALL_PREFIX the prefix being installed to.
# file(INSTALL) prepends $DESTDIR itself; the existence check must too.

# GNUInstallDirs' rule for the full sysconfdir, applied to this prefix: a
# relative dir is under the prefix, except that /usr and / use /etc.
if(IS_ABSOLUTE "${LEADSYNC_SYSCONFDIR}")
  set(sysconfdir "${LEADSYNC_SYSCONFDIR}")
elseif(CMAKE_INSTALL_PREFIX MATCHES "^/(usr/?)?$" AND LEADSYNC_SYSCONFDIR STREQUAL "etc")
  set(sysconfdir "/etc")
else()
  set(sysconfdir "${CMAKE_INSTALL_PREFIX}/${LEADSYNC_SYSCONFDIR}")
endif()
set(config_file "${sysconfdir}/leadsync/leadsync.toml")
set(docdir "${CMAKE_INSTALL_PREFIX}/${LEADSYNC_DOCDIR}")

# The unit in the source tree is written for the Debian layout (/usr/bin,
# /etc/leadsync); point it at this installation.
file(READ "${LEADSYNC_SOURCE_DIR}/systemd/leadsyncd.service" unit)
string(REPLACE "/usr/bin/leadsyncd" "${CMAKE_INSTALL_PREFIX}/bin/leadsyncd" unit "${unit}")
string(REPLACE "/etc/leadsync/leadsync.toml" "${config_file}" unit "${unit}")
string(REPLACE "/usr/share/doc/leadsyncd" "${docdir}" unit "${unit}")
file(WRITE "${LEADSYNC_STAGING_DIR}/leadsyncd.service" "${unit}")
file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system" TYPE FILE
     FILES "${LEADSYNC_STAGING_DIR}/leadsyncd.service")

# An operator's config is never overwritten by a reinstall; the shipped one
# is also in the docs as leadsync.service.toml.
if(EXISTS "$ENV{DESTDIR}${config_file}")
  message(STATUS "Keeping: $ENV{DESTDIR}${config_file}")
else()
  file(INSTALL DESTINATION "${sysconfdir}/leadsync" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       FILES "${LEADSYNC_SOURCE_DIR}/systemd/leadsync.toml")
endif()
