#!/usr/bin/env bash
# Create a student or an instructor: a Unix account with a private home (mode 700) in the class's group.
#
#   sudo deploy/jupyterhub/add-user.sh student alice [PASSWORD]     # no PASSWORD: one is made and printed
#   sudo deploy/jupyterhub/add-user.sh instructor carol [PASSWORD]
#
# For a list: `while read name; do sudo deploy/jupyterhub/add-user.sh student "$name"; done < students.txt`
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "add-user: run as root (sudo)" >&2; exit 1; }
[ $# -ge 2 ] || { echo "usage: add-user.sh student|instructor NAME [PASSWORD]" >&2; exit 2; }
ROLE="$1" NAME="$2" PASSWORD="${3:-}"
case "$ROLE" in
    student) GROUP="${GAN_HUB_STUDENTS:-gan-students}" ;;
    instructor) GROUP="${GAN_HUB_INSTRUCTORS:-gan-instructors}" ;;
    *) echo "add-user: the role is student or instructor, not '$ROLE'" >&2; exit 2 ;;
esac
getent group "$GROUP" >/dev/null || groupadd "$GROUP"
if id "$NAME" >/dev/null 2>&1; then
    usermod -a -G "$GROUP" "$NAME"
else
    useradd --create-home --shell /bin/bash --groups "$GROUP" "$NAME"
fi
# Nobody else may read a home: it holds the student's work and nbgrader's copy of their submissions.
chmod 700 "$(getent passwd "$NAME" | cut -d: -f6)"
if [ -z "$PASSWORD" ]; then
    PASSWORD="$(head -c 12 /dev/urandom | base64 | tr -d '/+=')"
    echo "add-user: $NAME's password: $PASSWORD"
fi
echo "$NAME:$PASSWORD" | chpasswd
echo "add-user: $ROLE $NAME (group $GROUP)"
