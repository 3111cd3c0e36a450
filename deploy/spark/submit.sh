#!/bin/sh
# Submit deploy/spark/national_marts.py to a Spark 3.5 cluster (YARN, Kubernetes or standalone: set
# SPARK_MASTER). NOT run here (no Spark in the development VM). The executors must see the national
# root at the same path (a shared file system, or an object store URI such as s3a://bucket/national
# with the cluster's credentials). Client deploy mode: the driver reads the SQL from this checkout.
#   deploy/spark/submit.sh /data/national [extra args, e.g. --events-of 4001]
set -eu
ROOT=${1:?usage: submit.sh NATIONAL_ROOT [args]}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
CHECKOUT=$(cd "$HERE/../.." && pwd)
exec spark-submit \
  --master "${SPARK_MASTER:-local[2]}" \
  --deploy-mode client \
  --packages io.delta:delta-spark_2.12:3.2.1 \
  --conf spark.sql.session.timeZone=Asia/Bangkok \
  "$HERE/national_marts.py" --national-root "$ROOT" --sql-dir "$CHECKOUT/warehouse/national" "$@"
