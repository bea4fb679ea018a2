#!/bin/sh
# Runs inside the chroot of every Debian-based image after its packages are installed.
# Shrinks the root filesystem and removes privilege-raising bits: user code runs as uid 65534.
set -eu
export LC_ALL=C
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/debconf/*-old /var/lib/dpkg/*-old \
  /var/cache/ldconfig/aux-cache /var/cache/man
# Docs, man pages, translations (keep the copyright files of the Debian packages).
find /usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete 2>/dev/null || true
find /usr/share/doc -mindepth 1 -type d -empty -delete 2>/dev/null || true
rm -rf /usr/share/man/* /usr/share/info/* /usr/share/locale/* /usr/share/lintian /usr/share/linda
# Logs and leftovers of the build.
find /var/log -type f -delete
rm -rf /tmp/* /var/tmp/* /root/.cache /root/.wget-hsts
rm -f /usr/sbin/policy-rc.d /etc/resolv.conf /etc/machine-id /var/lib/dbus/machine-id
: > /etc/hostname
# No setuid/setgid binaries: nothing in a runner image needs to raise privileges.
find / -xdev -type f -perm /6000 -exec chmod u-s,g-s {} +
# uid/gid 65534 (nobody/nogroup) must exist: pods run as runAsUser 65534.
grep -q '^nobody:x:65534:' /etc/passwd || echo 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' >> /etc/passwd
grep -q ':65534:' /etc/group || echo 'nogroup:x:65534:' >> /etc/group
chmod 1777 /tmp /var/tmp
