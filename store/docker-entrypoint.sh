#!/usr/bin/env bash
# Starts the node with a class archive of its own classes (AppCDS, a JDK dynamic archive) when it
# has one, and makes one when it has none: the first run writes it at its clean stop (docker stop,
# SIGTERM) into the data volume, and every later start maps it instead of loading ~8,000 classes
# from the jar, which halves a start's own share (`logkv-bench start`). A run killed outright
# (SIGKILL) writes nothing, and the next clean stop does. The archive is named after the jar's
# checksum, so a new image never uses an old one; the JVM would refuse it silently anyway.
set -euo pipefail

JAR=/opt/logkv/logkv-store.jar
DIR=${LOGKV_DATA_DIR:-/var/lib/logkv}/.class-archive
mkdir -p "$DIR"
ARCHIVE="$DIR/logkv-store-$(cksum <"$JAR" | cut -d' ' -f1).jsa"
# What the last training run wrote at its stop, moved into place now that nothing writes it.
if [[ -s $ARCHIVE.training && ! -f $ARCHIVE ]]; then
  mv -f "$ARCHIVE.training" "$ARCHIVE"
fi
rm -f "$ARCHIVE.training"
# Archives of earlier images (another checksum) are never used again.
find "$DIR" -maxdepth 1 -name "logkv-store-*.jsa*" ! -name "$(basename "$ARCHIVE")" -delete
if [[ -f $ARCHIVE ]]; then
  CDS=(-XX:SharedArchiveFile="$ARCHIVE")
else
  CDS=(-XX:ArchiveClassesAtExit="$ARCHIVE.training")
fi
# -Xlog:cds*=error: a training run warns about each class it cannot archive, which is expected.
exec java "${CDS[@]}" -Xlog:cds*=error -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -jar "$JAR" "$@"
