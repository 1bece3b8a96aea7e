#!/usr/bin/env bash
# Prepare one server for a class (run as root, once per class; safe to run again):
#   the students' and instructors' groups, the instructor's account, nbgrader's exchange folder, and the
#   instructor's private course folder (a copy of this repository's nbgrader/ folder).
#
#   sudo deploy/jupyterhub/setup-class.sh INSTRUCTOR [PASSWORD]
#
# The same GAN_HUB_* variables as jupyterhub_config.py choose the folders and group names.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPOSITORY="$(cd "$HERE/../.." && pwd)"
EXCHANGE="${GAN_HUB_EXCHANGE:-/srv/nbgrader/exchange}"
COURSE="${GAN_HUB_COURSE:-/srv/nbgrader/gan-workshop}"
STATE="${GAN_HUB_STATE:-/srv/jupyterhub}"
STUDENTS="${GAN_HUB_STUDENTS:-gan-students}"
INSTRUCTORS="${GAN_HUB_INSTRUCTORS:-gan-instructors}"
COURSE_ID=gan-workshop

[ "$(id -u)" = 0 ] || { echo "setup-class: run as root (sudo)" >&2; exit 1; }
[ $# -ge 1 ] || { echo "usage: setup-class.sh INSTRUCTOR [PASSWORD]" >&2; exit 2; }
INSTRUCTOR="$1"

getent group "$STUDENTS" >/dev/null || groupadd "$STUDENTS"
getent group "$INSTRUCTORS" >/dev/null || groupadd "$INSTRUCTORS"
"$HERE/add-user.sh" instructor "$INSTRUCTOR" "${2:-}"

# The hub's own state: root's only.
install -d -m 700 "$STATE"

# The exchange: everybody may create entries, nobody may remove another's (the sticky bit), as nbgrader
# documents. The course's folders inside are the instructor's, made here with nbgrader's modes, plus
# the sticky bit on inbound/ (no student can rename or remove another's submission).
mkdir -p "$EXCHANGE"
chown root:root "$EXCHANGE"
chmod 1777 "$EXCHANGE"
INSTRUCTOR_GROUP="$(id -gn "$INSTRUCTOR")"
install -d -o "$INSTRUCTOR" -g "$INSTRUCTOR_GROUP" -m 755 "$EXCHANGE/$COURSE_ID" "$EXCHANGE/$COURSE_ID/outbound"
install -d -o "$INSTRUCTOR" -g "$INSTRUCTOR_GROUP" -m 3733 "$EXCHANGE/$COURSE_ID/inbound"
install -d -o "$INSTRUCTOR" -g "$INSTRUCTOR_GROUP" -m 711 "$EXCHANGE/$COURSE_ID/feedback"
chmod 3733 "$EXCHANGE/$COURSE_ID/inbound"

# The course folder: source notebooks, hidden tests and the gradebook, for the instructor's eyes only.
if [ ! -e "$COURSE/nbgrader_config.py" ]; then
    install -d -m 700 -o "$INSTRUCTOR" -g "$INSTRUCTOR_GROUP" "$COURSE"
    (cd "$REPOSITORY/nbgrader" && tar --exclude=release --exclude=submitted --exclude=autograded \
        --exclude=feedback --exclude=exchange --exclude=gradebook.db --exclude=__pycache__ -cf - .) \
        | (cd "$COURSE" && tar -xf -)
fi
chown -R "$INSTRUCTOR:$INSTRUCTOR_GROUP" "$COURSE"
chmod 700 "$COURSE"
echo "setup-class: exchange $EXCHANGE, course folder $COURSE (owner $INSTRUCTOR), groups $STUDENTS / $INSTRUCTORS"
