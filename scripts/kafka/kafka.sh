#!/usr/bin/env bash
# Real single-node Apache Kafka broker (KRaft, combined broker+controller) for
# development, tests, demo and CI. The broker's jars are resolved from Maven
# Central with Maven and cached; nothing is installed by hand.
#
#   scripts/kafka/kafka.sh start|stop [--clean]|status|fetch|topics-create NAME PARTITIONS|topics-list|logs
#   scripts/kafka/kafka.sh client-env [riskwire|admin]
#
# KAFKA_SECURITY=sasl_ssl starts a secured broker instead: TLS with a throwaway CA, SCRAM-SHA-512 users
# admin (super user) and riskwire, the KRaft StandardAuthorizer and ACLs for exactly what riskwire needs.
#
# See scripts/kafka/README.md for the settings.
set -euo pipefail

KAFKA_VERSION="${KAFKA_VERSION:-4.3.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_NUM_PARTITIONS="${KAFKA_NUM_PARTITIONS:-3}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_EXTRA_CONFIG="${KAFKA_EXTRA_CONFIG:-}"
KAFKA_LOG4J_VERSION="${KAFKA_LOG4J_VERSION:-2.25.4}"
KAFKA_MVN_ARGS="${KAFKA_MVN_ARGS:-}"
RISKWIRE_CACHE_DIR="${RISKWIRE_CACHE_DIR:-${HOME:-/tmp}/.cache/riskwire}"
# --- secured mode (KAFKA_SECURITY=sasl_ssl): what riskwire's ACLs cover, named as riskwire names them
KAFKA_SECURITY="${KAFKA_SECURITY:-plaintext}"
TOPIC_LOGIN="${TOPIC_LOGIN:-risk.login.v1}"
TOPIC_TRANSACTION="${TOPIC_TRANSACTION:-risk.transaction.v1}"
TOPIC_DECISIONS="${TOPIC_DECISIONS:-risk.decisions.v1}"
TOPIC_DLQ="${TOPIC_DLQ:-risk.dlq.v1}"
TOPIC_LABELS="${TOPIC_LABELS:-risk.labels.v1}"
TOPIC_SHADOW_DECISIONS="${TOPIC_SHADOW_DECISIONS:-risk.decisions.shadow.v1}"
KAFKA_GROUP_ID="${KAFKA_GROUP_ID:-riskwire}"
KAFKA_CREATE_TOPICS="${KAFKA_CREATE_TOPICS:-true}"

HOST=127.0.0.1
DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies
VERSION_DIR="$RISKWIRE_CACHE_DIR/kafka-$KAFKA_VERSION"
LIB_DIR="$VERSION_DIR/libs"
RUN_DIR="$RISKWIRE_CACHE_DIR/kafka-run-$KAFKA_PORT"
DATA_DIR="$RUN_DIR/data"
PID_FILE="$RUN_DIR/kafka.pid"
STATE_FILE="$RUN_DIR/state"          # what the data dir was formatted with
BROKER_LOG="$RUN_DIR/broker.log"     # log4j2 output of the broker
BROKER_OUT="$RUN_DIR/broker.out"     # JVM stdout/stderr (crashes, GC errors)
TOOLS_LOG="$RUN_DIR/tools.log"       # log4j2 output of the CLI tools we run
MARKER="-Driskwire.kafka.run=$RUN_DIR"
TLS_DIR="$RUN_DIR/tls"               # throwaway CA and broker certificate (secured mode)
SECRETS_DIR="$RUN_DIR/secrets"       # SCRAM passwords of admin and riskwire (secured mode)
SASL_MECHANISM=SCRAM-SHA-512
FRESHLY_FORMATTED=0

log() { echo "[kafka] $*"; }
err() { echo "[kafka] $*" >&2; }
die() { local code="$1"; shift; err "$@"; exit "$code"; }

major_of() { echo "${1%%.*}"; }
KAFKA_MAJOR="$(major_of "$KAFKA_VERSION")"

validate_settings() {
  [[ "$KAFKA_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die 1 "KAFKA_VERSION must look like 4.1.0 (got '$KAFKA_VERSION')"
  (( KAFKA_MAJOR >= 3 )) || die 1 "KAFKA_VERSION $KAFKA_VERSION is too old: KRaft mode needs 3.x or newer"
  local n
  for n in KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_NUM_PARTITIONS KAFKA_START_TIMEOUT KAFKA_STOP_TIMEOUT; do
    [[ "${!n}" =~ ^[0-9]+$ ]] || die 1 "$n must be a number (got '${!n}')"
  done
  [[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die 1 "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"
  [[ "$KAFKA_SECURITY" == plaintext || "$KAFKA_SECURITY" == sasl_ssl ]] \
    || die 1 "KAFKA_SECURITY must be plaintext or sasl_ssl (got '$KAFKA_SECURITY')"
  if [[ "$KAFKA_SECURITY" == sasl_ssl ]]; then
    (( KAFKA_MAJOR > 3 )) || [[ "$KAFKA_VERSION" =~ ^3\.([5-9]|[1-9][0-9])\. ]] \
      || die 1 "KAFKA_SECURITY=sasl_ssl needs Kafka 3.5 or newer (SCRAM users at format time); got $KAFKA_VERSION"
    local t
    for t in TOPIC_LOGIN TOPIC_TRANSACTION TOPIC_DECISIONS TOPIC_DLQ TOPIC_LABELS TOPIC_SHADOW_DECISIONS KAFKA_GROUP_ID; do
      [[ "${!t}" =~ ^[A-Za-z0-9._-]+$ ]] || die 1 "$t must be a topic/group name (got '${!t}')"
    done
    [[ "$KAFKA_CREATE_TOPICS" =~ ^(true|false|1|0|yes|no|on|off)$ ]] || die 1 "KAFKA_CREATE_TOPICS must be true or false (got '$KAFKA_CREATE_TOPICS')"
  fi
}

secured() { [[ "$KAFKA_SECURITY" == sasl_ssl ]]; }
is_true() { [[ "$1" =~ ^(true|1|yes|on)$ ]]; }

missing_tool() {
  err "$1 is required but was not found on PATH."
  err "  Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless maven"
  err "  macOS:         brew install openjdk@17 maven"
  err "  or skip this script and point KAFKA_BROKERS at an existing Kafka broker."
  exit 2
}

require_java() {
  command -v java >/dev/null 2>&1 || missing_tool java
  local v major
  v="$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  major="${v%%.*}"
  [[ "$major" == 1 ]] && major="$(echo "$v" | cut -d. -f2)"   # 1.8.0_x -> 8
  local need=11
  (( KAFKA_MAJOR >= 4 )) && need=17
  if ! [[ "$major" =~ ^[0-9]+$ ]] || (( major < need )); then
    err "Kafka $KAFKA_VERSION needs Java $need or newer; found '${v:-unknown}'."
    err "  Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless maven"
    exit 2
  fi
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# ---------------------------------------------------------------- fetch ----

jars_cached() { [[ -f "$LIB_DIR/.complete" && -f "$LIB_DIR/kafka_2.13-$KAFKA_VERSION.jar" ]]; }

write_pom() {
  cat >"$1" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/kafka/kafka.sh: the runtime classpath of a Kafka broker. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>riskwire.dev</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>$KAFKA_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <!-- broker (kafka.Kafka) and kafka.tools.StorageTool -->
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <!-- TopicCommand, BrokerApiVersionsCommand (readiness probe); Connect is not needed -->
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka-tools</artifactId>
      <version>$KAFKA_VERSION</version>
      <exclusions>
        <exclusion><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId></exclusion>
        <exclusion><groupId>com.fasterxml.jackson.jakarta.rs</groupId><artifactId>*</artifactId></exclusion>
        <exclusion><groupId>com.fasterxml.jackson.jaxrs</groupId><artifactId>*</artifactId></exclusion>
        <exclusion><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId></exclusion>
        <exclusion><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId></exclusion>
      </exclusions>
    </dependency>
    <!-- logging backend: log4j2 for slf4j 1.x (what Kafka uses), plus the log4j 1.x API bridge for 3.x -->
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>$KAFKA_LOG4J_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>$KAFKA_LOG4J_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-1.2-api</artifactId>
      <version>$KAFKA_LOG4J_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
}

fetch() {
  if jars_cached; then
    log "jars for Kafka $KAFKA_VERSION cached in $LIB_DIR"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || missing_tool mvn
  require_java
  mkdir -p "$VERSION_DIR"
  # Serialise concurrent fetches of the same version (parallel CI jobs, two terminals).
  if command -v flock >/dev/null 2>&1; then
    exec 8>"$VERSION_DIR/.fetch.lock"
    flock -w 900 8 || die 1 "timed out waiting for another fetch of Kafka $KAFKA_VERSION"
    if jars_cached; then log "jars for Kafka $KAFKA_VERSION cached in $LIB_DIR"; return 0; fi
  fi
  log "resolving Kafka $KAFKA_VERSION from Maven Central with Maven (first time only)..."
  local tmp="$VERSION_DIR/libs.tmp.$$" mvn_log="$VERSION_DIR/mvn.log" t0=$SECONDS
  rm -rf "$tmp"
  write_pom "$VERSION_DIR/pom.xml"
  # shellcheck disable=SC2086
  if ! mvn -B -q -f "$VERSION_DIR/pom.xml" $KAFKA_MVN_ARGS "$DEP_PLUGIN" \
      -DoutputDirectory="$tmp" -DincludeScope=runtime >"$mvn_log" 2>&1; then
    rm -rf "$tmp"
    err "Maven could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION (full output: $mvn_log):"
    local why
    why="$(sed 's/\x1b\[[0-9;]*m//g' "$mvn_log" | grep -E '^\[(ERROR|FATAL)\] +[^ ]' \
          | grep -vE '^\[ERROR\] \[Help|-e switch|-X switch|For more information|Re-run Maven' | head -n 5 || true)"
    [[ -n "$why" ]] || why="$(tail -n 15 "$mvn_log")"
    printf '%s\n' "$why" | sed 's/^/[kafka]   /' >&2
    err "Check the version exists on Maven Central (with all its modules) or set KAFKA_VERSION."
    exit 1
  fi
  [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || die 1 "Maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing in $tmp"
  local j
  for j in "$tmp"/slf4j-reload4j-*.jar "$tmp"/slf4j-log4j12-*.jar "$tmp"/logback-classic-*.jar "$tmp"/log4j-slf4j2-impl-*.jar; do
    if [[ -e "$j" ]]; then die 1 "unexpected extra slf4j binding resolved: $(basename "$j")"; fi
  done
  touch "$tmp/.complete"
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  log "resolved $(find "$LIB_DIR" -name '*.jar' | wc -l | tr -d ' ') jars ($(du -sh "$LIB_DIR" | cut -f1)) in $((SECONDS - t0))s -> $LIB_DIR"
}

# ---------------------------------------------------------- java tools ----

write_tools_log4j() {
  cat >"$RUN_DIR/tools-log4j2.properties" <<EOF
# Generated by scripts/kafka/kafka.sh: logging of the CLI tools it runs.
status = error
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $TOOLS_LOG
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = FILE
EOF
  {
    echo "request.timeout.ms=5000"
    echo "default.api.timeout.ms=10000"
    if secured; then
      # the tools (readiness probe, warm-up, topics, ACLs) connect as the super user
      echo "security.protocol=SASL_SSL"
      echo "sasl.mechanism=$SASL_MECHANISM"
      echo "sasl.jaas.config=$(jaas_line admin)"
      echo "ssl.truststore.type=PEM"
      echo "ssl.truststore.location=$TLS_DIR/ca.crt"
    fi
  } >"$RUN_DIR/client.properties"
  chmod 600 "$RUN_DIR/client.properties"
}

run_tool() {  # run_tool [timeout-seconds] MAIN_CLASS args...
  local limit=()
  if [[ "$1" =~ ^[0-9]+$ ]]; then
    command -v timeout >/dev/null 2>&1 && limit=(timeout "$1")
    shift
  fi
  mkdir -p "$RUN_DIR"
  [[ -f "$RUN_DIR/tools-log4j2.properties" ]] || write_tools_log4j
  ${limit[@]+"${limit[@]}"} java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
    -Dlog4j2.configurationFile="$RUN_DIR/tools-log4j2.properties" \
    -cp "$LIB_DIR/*" "$@"
}

api_versions_class() {
  if (( KAFKA_MAJOR >= 4 )); then echo org.apache.kafka.tools.BrokerApiVersionsCommand
  else echo kafka.admin.BrokerApiVersionsCommand; fi
}

# Healthy = the broker answers an admin client on its PLAINTEXT listener and
# lists itself (node 1) as a live, unfenced broker in its metadata.
probe() {
  port_open "$KAFKA_PORT" || return 1
  jars_cached || return 1
  local out
  out="$(run_tool 30 "$(api_versions_class)" \
        --bootstrap-server "$HOST:$KAFKA_PORT" --command-config "$RUN_DIR/client.properties" 2>&1)" || return 1
  grep -q "(id: 1 " <<<"$out"
}

# -------------------------------------------------------- secured mode ----

password_of() { cat "$SECRETS_DIR/$1.password"; }
jaas_line() { echo "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$1\" password=\"$(password_of "$1")\";"; }

# A throwaway CA and a broker certificate for 127.0.0.1 / localhost, made once per run dir.
ensure_certificates() {
  [[ -f "$TLS_DIR/ca.crt" && -f "$TLS_DIR/broker.p12" ]] && return 0
  command -v openssl >/dev/null 2>&1 || die 2 "openssl is required for KAFKA_SECURITY=sasl_ssl (apt-get install -y openssl)"
  log "generating a throwaway CA and broker certificate in $TLS_DIR"
  rm -rf "$TLS_DIR"; mkdir -p "$TLS_DIR"; chmod 700 "$TLS_DIR"
  local out
  if ! out="$( {
      openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=riskwire test CA $KAFKA_PORT" \
        -keyout "$TLS_DIR/ca.key" -out "$TLS_DIR/ca.crt" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign &&
      openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$TLS_DIR/broker.key" -out "$TLS_DIR/broker.csr" &&
      printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' >"$TLS_DIR/broker.ext" &&
      openssl x509 -req -in "$TLS_DIR/broker.csr" -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" -CAcreateserial \
        -days 30 -extfile "$TLS_DIR/broker.ext" -out "$TLS_DIR/broker.crt" &&
      openssl pkcs12 -export -name broker -in "$TLS_DIR/broker.crt" -inkey "$TLS_DIR/broker.key" \
        -certfile "$TLS_DIR/ca.crt" -passout "pass:$(password_of keystore)" -out "$TLS_DIR/broker.p12"
    } 2>&1)"; then
    err "certificate generation failed:"; printf '%s\n' "$out" | sed 's/^/[kafka]   /' >&2
    rm -rf "$TLS_DIR"; exit 1
  fi
  chmod 600 "$TLS_DIR"/*.key "$TLS_DIR/broker.p12"
}

# Random passwords for admin, riskwire and the keystore; kept with the data they were formatted into.
ensure_passwords() {
  mkdir -p "$SECRETS_DIR"; chmod 700 "$SECRETS_DIR"
  local u
  for u in admin riskwire keystore; do
    if [[ ! -s "$SECRETS_DIR/$u.password" ]]; then
      (umask 077; head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$SECRETS_DIR/$u.password")
    fi
  done
}

secured_server_properties() {
  echo "listeners=CLIENT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT"
  echo "advertised.listeners=CLIENT://$HOST:$KAFKA_PORT"
  echo "controller.listener.names=CONTROLLER"
  # clients reach the broker only through SASL_SSL; the controller listener stays PLAINTEXT on loopback
  echo "listener.security.protocol.map=CLIENT:SASL_SSL,CONTROLLER:PLAINTEXT"
  echo "inter.broker.listener.name=CLIENT"
  echo "sasl.enabled.mechanisms=$SASL_MECHANISM"
  echo "sasl.mechanism.inter.broker.protocol=$SASL_MECHANISM"
  echo "listener.name.client.scram-sha-512.sasl.jaas.config=$(jaas_line admin)"
  echo "ssl.keystore.type=PKCS12"
  echo "ssl.keystore.location=$TLS_DIR/broker.p12"
  echo "ssl.keystore.password=$(password_of keystore)"
  echo "ssl.key.password=$(password_of keystore)"
  echo "ssl.truststore.type=PEM"
  echo "ssl.truststore.location=$TLS_DIR/ca.crt"
  echo "ssl.endpoint.identification.algorithm=https"
  echo "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer"
  echo "allow.everyone.if.no.acl.found=false"
  # admin is the operator; ANONYMOUS is the broker itself on the loopback-only PLAINTEXT controller listener
  echo "super.users=User:admin;User:ANONYMOUS"
}

acl() {  # acl PRINCIPAL_NAME --operation X ... --topic T ... [--group G]
  local user="$1"; shift
  run_tool 60 org.apache.kafka.tools.AclCommand --bootstrap-server "$HOST:$KAFKA_PORT" \
    --command-config "$RUN_DIR/client.properties" --add --allow-principal "User:$user" --allow-host '*' "$@" >/dev/null \
    || die 1 "could not add ACLs for $user ($*); see $TOOLS_LOG"
}

# Exactly what riskwire needs: read its input topics as its group, write decisions and dead letters,
# create those topics only when KAFKA_CREATE_TOPICS is on (else the script creates them as admin).
apply_riskwire_acls() {
  log "ACLs for User:riskwire: READ $TOPIC_LOGIN, $TOPIC_TRANSACTION and group $KAFKA_GROUP_ID; WRITE $TOPIC_DECISIONS, $TOPIC_DLQ, $TOPIC_LABELS, $TOPIC_SHADOW_DECISIONS"
  acl riskwire --operation Read --operation Describe --topic "$TOPIC_LOGIN" --topic "$TOPIC_TRANSACTION" --group "$KAFKA_GROUP_ID"
  acl riskwire --operation Write --operation Describe --topic "$TOPIC_DECISIONS" --topic "$TOPIC_DLQ" --topic "$TOPIC_LABELS" --topic "$TOPIC_SHADOW_DECISIONS"
  if is_true "$KAFKA_CREATE_TOPICS"; then
    log "ACLs for User:riskwire: CREATE its topics (KAFKA_CREATE_TOPICS=$KAFKA_CREATE_TOPICS)"
    acl riskwire --operation Create --topic "$TOPIC_LOGIN" --topic "$TOPIC_TRANSACTION" --topic "$TOPIC_DECISIONS" --topic "$TOPIC_DLQ" \
      --topic "$TOPIC_LABELS" --topic "$TOPIC_SHADOW_DECISIONS"
  else
    local t
    # the shadow topic too: a shadow policy may be turned on later without an administrator
    for t in "$TOPIC_LOGIN" "$TOPIC_TRANSACTION" "$TOPIC_DECISIONS" "$TOPIC_DLQ" "$TOPIC_LABELS" "$TOPIC_SHADOW_DECISIONS"; do
      run_tool 60 org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$KAFKA_PORT" \
        --command-config "$RUN_DIR/client.properties" \
        --create --if-not-exists --topic "$t" --partitions "$KAFKA_NUM_PARTITIONS" --replication-factor 1 >/dev/null \
        || die 1 "could not create topic $t; see $TOOLS_LOG"
    done
    log "created $TOPIC_LOGIN, $TOPIC_TRANSACTION, $TOPIC_DECISIONS, $TOPIC_DLQ, $TOPIC_LABELS, $TOPIC_SHADOW_DECISIONS as admin (KAFKA_CREATE_TOPICS=$KAFKA_CREATE_TOPICS: no CREATE for riskwire)"
  fi
}

cmd_client_env() {
  local user="${1:-riskwire}"
  [[ "$user" == riskwire || "$user" == admin ]] || die 1 "usage: kafka.sh client-env [riskwire|admin]"
  validate_settings
  echo "KAFKA_BROKERS=$HOST:$KAFKA_PORT"
  if [[ "$(state_get security)" != sasl_ssl ]]; then
    echo "KAFKA_SSL=false"
    echo "KAFKA_SASL_MECHANISM=none"
    return 0
  fi
  [[ -s "$SECRETS_DIR/$user.password" && -f "$TLS_DIR/ca.crt" ]] || die 1 "no secured broker was set up on port $KAFKA_PORT; run KAFKA_SECURITY=sasl_ssl kafka.sh start"
  echo "KAFKA_SSL=true"
  echo "KAFKA_SSL_CA_FILE=$TLS_DIR/ca.crt"
  echo "KAFKA_SASL_MECHANISM=scram-sha-512"
  echo "KAFKA_SASL_USERNAME=$user"
  echo "KAFKA_SASL_PASSWORD=$(password_of "$user")"
}

# ------------------------------------------------------------- process ----

read_pid() { if [[ -f "$PID_FILE" ]]; then tr -dc '0-9' <"$PID_FILE"; fi; }

# Is PID alive and our broker (the JVM carries a marker with the run dir)?
is_our_broker() {
  local pid="$1"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  ps -p "$pid" -o args= 2>/dev/null | grep -qF -- "$MARKER"
}

running_pid() {
  local pid; pid="$(read_pid)"
  if is_our_broker "$pid"; then echo "$pid"; fi
}

state_get() { if [[ -f "$STATE_FILE" ]]; then sed -n "s/^$1=//p" "$STATE_FILE" | head -n1; fi; }

lock_run_dir() {
  mkdir -p "$RUN_DIR"
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$RUN_DIR/.lock"
  flock -n 9 && return 0
  # A broker started by an early version of this script inherited the lock fd
  # and holds it for its whole life: don't wait for it.
  local pid fd; pid="$(running_pid)"
  if [[ -n "$pid" && -d "/proc/$pid/fd" ]]; then
    for fd in /proc/"$pid"/fd/*; do
      if [[ "$(readlink "$fd" 2>/dev/null)" == "$RUN_DIR/.lock" ]]; then
        err "the running broker (pid $pid) holds $RUN_DIR/.lock (started by an older kafka.sh); continuing without the lock"
        return 0
      fi
    done
  fi
  log "waiting for another kafka.sh working on port $KAFKA_PORT"
  flock -w $((KAFKA_START_TIMEOUT + KAFKA_STOP_TIMEOUT + 900)) 9 || die 1 "timed out waiting for another kafka.sh on port $KAFKA_PORT"
}

tail_logs() {
  local f
  for f in "$BROKER_OUT" "$BROKER_LOG"; do
    if [[ -s "$f" ]]; then
      err "last lines of $f:"
      tail -n 25 "$f" | sed 's/^/[kafka]   /' >&2
    fi
  done
}

write_server_properties() {
  local f="$RUN_DIR/server.properties"
  {
    echo "# Generated by scripts/kafka/kafka.sh for Kafka $KAFKA_VERSION; rewritten on every start."
    echo "process.roles=broker,controller"
    echo "node.id=1"
    echo "controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT"
    if secured; then
      secured_server_properties
    else
      echo "listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT"
      echo "advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT"
      echo "controller.listener.names=CONTROLLER"
      echo "inter.broker.listener.name=PLAINTEXT"
      echo "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
    fi
    echo "log.dirs=$DATA_DIR"
    echo "num.partitions=$KAFKA_NUM_PARTITIONS"
    echo "default.replication.factor=1"
    echo "min.insync.replicas=1"
    echo "offsets.topic.replication.factor=1"
    echo "offsets.topic.num.partitions=10"
    echo "transaction.state.log.replication.factor=1"
    echo "transaction.state.log.min.isr=1"
    echo "transaction.state.log.num.partitions=10"
    if (( KAFKA_MAJOR >= 4 )); then
      echo "share.coordinator.state.topic.replication.factor=1"
      echo "share.coordinator.state.topic.min.isr=1"
    fi
    echo "group.initial.rebalance.delay.ms=0"
    echo "auto.create.topics.enable=true"
    echo "delete.topic.enable=true"
    if [[ -n "$KAFKA_EXTRA_CONFIG" ]]; then
      echo "# KAFKA_EXTRA_CONFIG"
      printf '%s\n' "$KAFKA_EXTRA_CONFIG" | tr ';' '\n' | sed 's/^[[:space:]]*//;/^$/d'
    fi
  } >"$f"
  chmod 600 "$f"

  cat >"$RUN_DIR/log4j2.properties" <<EOF
# Generated by scripts/kafka/kafka.sh: broker logging to $BROKER_LOG
status = warn
shutdownHook = disable
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = $BROKER_LOG
appender.file.filePattern = $BROKER_LOG.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
logger.network.name = kafka.network
logger.network.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
EOF
  write_tools_log4j
}

random_cluster_id() {
  # A Kafka Uuid in base64url without padding; avoid a leading '-' (CLI parsing).
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* && ${#id} -eq 22 ]] && { echo "$id"; return; }
  done
}

format_storage() {
  local formatted_version formatted_cport formatted_security
  formatted_version="$(state_get version)"
  formatted_cport="$(state_get controller_port)"
  formatted_security="$(state_get security)"
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    if [[ "$formatted_version" == "$KAFKA_VERSION" && "$formatted_cport" == "$KAFKA_CONTROLLER_PORT" \
          && "${formatted_security:-plaintext}" == "$KAFKA_SECURITY" ]]; then
      return 0
    fi
    log "data dir was formatted for Kafka ${formatted_version:-?} / controller port ${formatted_cport:-?} / ${formatted_security:-plaintext}; wiping it for $KAFKA_VERSION / $KAFKA_CONTROLLER_PORT / $KAFKA_SECURITY"
  fi
  rm -rf "$DATA_DIR" "$STATE_FILE"
  mkdir -p "$DATA_DIR"
  local id out scram=(); id="$(random_cluster_id)"
  if secured; then
    # SCRAM users go into the metadata log at format time, so they exist before the first client connects
    scram=(--add-scram "$SASL_MECHANISM=[name=admin,password=$(password_of admin)]"
           --add-scram "$SASL_MECHANISM=[name=riskwire,password=$(password_of riskwire)]")
  fi
  log "formatting storage (cluster id $id${scram[*]:+, SCRAM-SHA-512 users admin and riskwire})"
  if ! out="$(run_tool kafka.tools.StorageTool format -t "$id" -c "$RUN_DIR/server.properties" ${scram[@]+"${scram[@]}"} 2>&1)"; then
    err "formatting failed:"; printf '%s\n' "$out" | sed -e 's/password=[^],]*/password=***/g' -e 's/^/[kafka]   /' >&2
    exit 1
  fi
  printf 'version=%s\ncontroller_port=%s\ncluster_id=%s\nsecurity=%s\n' "$KAFKA_VERSION" "$KAFKA_CONTROLLER_PORT" "$id" "$KAFKA_SECURITY" >"$STATE_FILE"
  FRESHLY_FORMATTED=1
}

# On a new cluster the first consumer group would hit COORDINATOR_NOT_AVAILABLE /
# COORDINATOR_LOAD_IN_PROGRESS while __consumer_offsets is created and loaded
# (kafkajs crashes and restarts its consumer on the latter). Looking up a group
# creates that topic and waits until its coordinator has loaded.
warm_up_group_coordinator() {
  log "creating __consumer_offsets (first start of this data dir)"
  run_tool 60 org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
    --bootstrap-server "$HOST:$KAFKA_PORT" --command-config "$RUN_DIR/client.properties" \
    --describe --group riskwire-kafka-sh-warmup >/dev/null 2>&1 || true
}

wait_ready() {  # wait_ready PID
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      err "broker process $pid exited during startup"
      tail_logs
      exit 1
    fi
    if probe; then return 0; fi
    sleep 1
  done
  err "broker (pid $pid) did not become ready within ${KAFKA_START_TIMEOUT}s (KAFKA_START_TIMEOUT); it is left running, 'stop' ends it"
  tail_logs
  exit 1
}

# ------------------------------------------------------------ commands ----

cmd_fetch() { validate_settings; fetch; }

cmd_start() {
  validate_settings
  require_java
  lock_run_dir
  local pid; pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    local running_version; running_version="$(state_get version)"
    if [[ "$running_version" != "$KAFKA_VERSION" ]]; then
      die 1 "a Kafka ${running_version:-?} broker is already running on $HOST:$KAFKA_PORT (pid $pid), $KAFKA_VERSION was asked for: run 'stop' first"
    fi
    local running_security; running_security="$(state_get security)"
    if [[ "${running_security:-plaintext}" != "$KAFKA_SECURITY" ]]; then
      die 1 "a ${running_security:-plaintext} broker is already running on $HOST:$KAFKA_PORT (pid $pid), KAFKA_SECURITY=$KAFKA_SECURITY was asked for: run 'stop' first"
    fi
    if probe; then
      log "already running (pid $pid) on $HOST:$KAFKA_PORT, version $KAFKA_VERSION"
      return 0
    fi
    log "broker process $pid is up but not ready yet; waiting (up to ${KAFKA_START_TIMEOUT}s)"
    wait_ready "$pid"
    log "ready (pid $pid) on $HOST:$KAFKA_PORT, version $KAFKA_VERSION"
    return 0
  fi
  rm -f "$PID_FILE"
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$p"; then
      die 1 "port $HOST:$p is already in use by a process this script did not start; free it, choose KAFKA_PORT/KAFKA_CONTROLLER_PORT, or point KAFKA_BROKERS at that broker"
    fi
  done

  fetch
  local t0=$SECONDS
  mkdir -p "$RUN_DIR"
  if secured; then
    # a fresh data dir gets fresh users: new passwords, and certificates made with them
    if [[ ! -f "$DATA_DIR/meta.properties" || "$(state_get security)" != sasl_ssl ]]; then rm -rf "$SECRETS_DIR" "$TLS_DIR"; fi
    ensure_passwords
    ensure_certificates
  fi
  write_server_properties
  format_storage

  log "starting Kafka $KAFKA_VERSION on $HOST:$KAFKA_PORT (controller $HOST:$KAFKA_CONTROLLER_PORT, run dir $RUN_DIR)"
  # One fresh broker.log / broker.out per start; the previous run's are kept as *.prev.
  local f
  for f in "$BROKER_LOG" "$BROKER_OUT"; do
    if [[ -f "$f" ]]; then mv -f "$f" "$f.prev"; fi
  done
  rm -f "$BROKER_LOG".[0-9]*
  echo "$(date '+%Y-%m-%d %H:%M:%S') starting Kafka $KAFKA_VERSION" >"$BROKER_OUT"
  local launcher=()
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  # shellcheck disable=SC2086
  nohup ${launcher[@]+"${launcher[@]}"} java $KAFKA_HEAP_OPTS $KAFKA_JVM_OPTS "$MARKER" \
    -Dkafka.logs.dir="$RUN_DIR" \
    -Dlog4j2.configurationFile="$RUN_DIR/log4j2.properties" \
    -cp "$LIB_DIR/*" kafka.Kafka "$RUN_DIR/server.properties" \
    </dev/null >>"$BROKER_OUT" 2>&1 8>&- 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  log "waiting for the broker (pid $pid) to serve requests (up to ${KAFKA_START_TIMEOUT}s)"
  wait_ready "$pid"
  if (( FRESHLY_FORMATTED )); then warm_up_group_coordinator; fi
  if secured; then apply_riskwire_acls; fi
  log "ready (pid $pid) on $HOST:$KAFKA_PORT ($KAFKA_SECURITY), version $KAFKA_VERSION, in $((SECONDS - t0))s; log: $BROKER_LOG"
  if secured; then log "client settings: bash $0 client-env [riskwire|admin]"; fi
}

cmd_stop() {
  local clean=0
  for a in "$@"; do
    case "$a" in
      --clean) clean=1 ;;
      *) die 1 "unknown option for stop: $a" ;;
    esac
  done
  validate_settings
  lock_run_dir
  local pid; pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    log "not running on $HOST:$KAFKA_PORT"
  else
    local t0=$SECONDS deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
    log "stopping broker (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      err "broker did not stop within ${KAFKA_STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    fi
    log "stopped in $((SECONDS - t0))s"
  fi
  rm -f "$PID_FILE"
  if (( clean )); then
    rm -rf "$DATA_DIR" "$STATE_FILE" "$SECRETS_DIR" "$TLS_DIR"
    log "removed data dir $DATA_DIR"
  fi
}

cmd_status() {
  validate_settings
  local pid; pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    if port_open "$KAFKA_PORT"; then
      echo "not running (but $HOST:$KAFKA_PORT is in use by a process this script did not start)"
    else
      echo "not running"
    fi
    return 1
  fi
  local v; v="$(state_get version)"
  command -v java >/dev/null 2>&1 || missing_tool java
  if probe; then
    echo "running (pid $pid) on $HOST:$KAFKA_PORT, version ${v:-?}"
    return 0
  fi
  echo "not ready: process $pid is up but the broker is not serving requests on $HOST:$KAFKA_PORT (starting, or unhealthy: see $BROKER_LOG)"
  return 1
}

need_running() {
  validate_settings
  require_java
  [[ -n "$(running_pid)" ]] || die 1 "no broker started by this script is running on $HOST:$KAFKA_PORT; run 'start' first"
}

cmd_topics_create() {
  [[ $# -eq 2 && "$2" =~ ^[0-9]+$ ]] || die 1 "usage: kafka.sh topics-create NAME PARTITIONS"
  need_running
  run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$KAFKA_PORT" \
    --command-config "$RUN_DIR/client.properties" \
    --create --if-not-exists --topic "$1" --partitions "$2" --replication-factor 1
  log "topic $1 ready ($2 partitions)"
}

cmd_topics_list() {
  need_running
  run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$KAFKA_PORT" \
    --command-config "$RUN_DIR/client.properties" --list
}

usage() {
  cat <<EOF
usage: $(basename "$0") COMMAND
  start                          resolve jars if needed, format storage once, start and wait until ready
  stop [--clean]                 SIGTERM (SIGKILL after ${KAFKA_STOP_TIMEOUT}s); --clean also deletes the data
  status                         exit 0 and print "running (pid N) ..." if healthy, else exit 1
  fetch                          only resolve the jars with Maven into the cache
  topics-create NAME PARTITIONS  create a topic (replication factor 1) if it does not exist
  topics-list                    list topics
  logs                           print the last 100 lines of the broker log
  client-env [riskwire|admin]    print NAME=value lines a riskwire client needs to connect as that user
settings (environment): KAFKA_VERSION=$KAFKA_VERSION KAFKA_PORT=$KAFKA_PORT KAFKA_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT
  KAFKA_NUM_PARTITIONS=$KAFKA_NUM_PARTITIONS KAFKA_HEAP_OPTS="$KAFKA_HEAP_OPTS" KAFKA_START_TIMEOUT=$KAFKA_START_TIMEOUT
  KAFKA_SECURITY=$KAFKA_SECURITY (plaintext|sasl_ssl) RISKWIRE_CACHE_DIR=$RISKWIRE_CACHE_DIR (see scripts/kafka/README.md)
EOF
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    fetch) cmd_fetch "$@" ;;
    topics-create) cmd_topics_create "$@" ;;
    topics-list) cmd_topics_list "$@" ;;
    logs) validate_settings; tail -n 100 "$BROKER_LOG" ;;
    client-env) cmd_client_env "$@" ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 64 ;;
  esac
}

main "$@"
