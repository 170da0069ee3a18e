//! How people write the lifecycle of a key rotation, and the errors behind a
//! failure. Written from real services' habits, not from kp-triage's pack.
//!
//! Slots: `{c}` the cluster as a trailing phrase (" for cluster X"), `{C}` as
//! a leading one ("cluster X: "), `{a}` the attempt as text, `{n}`/`{m}` the
//! attempt and the budget, `{k}` a number of clusters, `{host}`/`{secret}`
//! filled per cluster. A slot whose value lives in a field renders empty.
//!
//! Real wording harvested from public Go code (search tool, corpus "code"):
//! - hashicorp/terraform-provider-vault, `rotate` package (RotateRootAction):
//!   "Rotating root credentials at %s", "Successfully rotated root credentials
//!   at %s", "Failed to rotate root credentials", "Error rotating root
//!   credentials at %q: %s".
//! - hashicorp/go-retryablehttp client.go: "%s %s giving up after %d attempt(s): %w".
//! - aws/aws-sdk-go-v2 aws/retry (MaxAttemptsError):
//!   "exceeded maximum number of attempts, %d, %v".
//! - kubernetes/client-go tools/record/event.go:
//!   "Unable to write event '%#v' (retry limit exceeded!)".
//! - kubernetes/client-go examples/workqueue (the controller idiom, also in
//!   many controllers): "Dropping pod %q out of the queue: %v", after the
//!   comment "even after several retries, we could not successfully process
//!   this key".
//! - kubernetes/kubernetes pkg/kubelet/certificate/transport.go: "certificate
//!   rotation detected, shutting down client connections to start using new
//!   credentials".
//! - cert-manager's issuing controller event: "The certificate has been
//!   successfully issued".
//! - Go services' log.Printf idiom seen in public code: "Successfully rotated
//!   key for %s", "Failed to rotate key for %s: %v".
//! - PremiereGlobal/vault-admin rotate-creds.go (logrus): "Cannot rotate [%s]",
//!   "Rotated key for [%s].  New access key: %s".
//! - tensorflow/serving util/retrier.cc: "Retrying of %s exhausted
//!   max_num_retries: %d".
//! - kubectl (k8s.io/kubectl): "error: You must be logged in to the server
//!   (Unauthorized)"; the kubelet: `MountVolume.SetUp failed for volume "%s" :
//!   secret "%s" not found`; Go's resolver: "dial tcp: lookup %s : i/o timeout".
//!
//! Other change verbs and other names of the key ("renewed", "regenerated",
//! "credential", "IAM key") are the word classes the pack reads by tense;
//! boolean outcome fields (`rotated=false`) are in `FLAG_*`.

/// A new key, a new rotation round.
pub const DETECTED: &[&str] = &[
    "Detected new service API key, rotating it on all clusters",
    "new IAM API key detected; starting key rotation for {k} clusters",
    "Service IAM API key changed, propagating the new key to {k} clusters",
    "Found a new version of the service apikey",
    "key change detected for the service ID, beginning a new rotation round",
    "The service API key has been replaced; updating every cluster",
    "received new api key from the secret store, queueing {k} clusters",
    // kubelet: "certificate rotation detected, shutting down client connections ..."
    "service key rotation detected, start using new credentials on {k} clusters",
];

pub const START: &[&str] = &[
    "Attempting to rotate the service API key{c}{a}",
    "Starting service IAM API key rotation{c}{a}",
    "Trying to update the service apikey{c}{a}",
    "Beginning key rotation{c}{a}",
    "{C}rotating service API key{a}",
    // terraform-provider-vault: "Rotating root credentials at %s"
    "Rotating the service API key{c}{a}",
    "{C}rotation attempt {n} started",
    "Going to push the new IAM API key to the cluster master{c}{a}",
    "About to rotate the service iam-api-key{c}{a}",
    "Renewing the service credential{c}{a}",
    "Refreshing the IAM key{c}{a}",
];

pub const SUCCEEDED: &[&str] = &[
    // terraform-provider-vault: "Successfully rotated root credentials at %s"
    "Successfully rotated service API key{c}",
    // past-tense verb first, no adverb
    "Rotated service API key{c}",
    "Rotated the key{c}",
    "Updated the service IAM API key{c}",
    "Service API key rotated successfully{c}",
    "Service API key rotated{c}",
    "{C}key rotation complete",
    // completion word after a long object
    "Rotation of the service API key stored in the cluster master's encryption secret{c} completed",
    "Update of the service iam-api-key in the KMS provider configuration{c} finished",
    "The service iam-api-key{c} has been rotated",
    "Finished rotating the service API key{c}",
    "API key rotation done{c}",
    "{C}new service API key is now in use",
    // cert-manager: "The certificate has been successfully issued"
    "The service API key has been successfully rotated{c}",
    "rotation succeeded{c}{a}",
    // "Successfully rotated key for %s"
    "Successfully rotated key{c}",
    // other change verbs in the past tense, and other names of the key
    "Renewed the service API key{c}",
    "Service credential{c} regenerated",
    "{C}IAM key replaced",
    "Service key reissued{c}",
    // vault-admin: "Rotated key for [%s].  New access key: %s"
    "Refreshed service credential{c}. New access key in use",
];

/// A failed attempt, often without the word "fail".
pub const FAILED: &[&str] = &[
    "Rotation attempt failed{c}{a}",
    // terraform-provider-vault: "Failed to rotate root credentials". Said of
    // one attempt, it promises a retry: bare, it reads as the runbook's summary.
    "Failed to rotate service API key{c}{a}, will retry",
    "Attempt {n} to rotate API key{c} did not succeed",
    "key rotation unsuccessful{c}{a}, will retry",
    "Could not rotate service IAM API key{c}{a}; retrying",
    "Unable to update service apikey{c}{a}",
    // terraform-provider-vault: "Error rotating root credentials at %q: %s"
    "Error rotating service API key{c}{a}",
    "{C}rotation of the service API key was not successful{a}",
    "{C}key rotation attempt {n} failed, requeueing",
    "retrying service API key rotation{c} after error{a}",
    // vault-admin: "Cannot rotate [%s] "
    "Cannot rotate service credential{c}{a}",
    "{C}service API key was not renewed{a}",
];

/// Retries exhausted.
pub const EXHAUSTED: &[&str] = &[
    "Retry attempts to rotate the service API key{c} have been exhausted",
    "All {m} attempts to rotate service API key{c} failed, giving up",
    "max retries reached{c}, giving up on key rotation",
    "after {m} attempts, giving up rotating API key{c}",
    // go-retryablehttp: "giving up after %d attempt(s)"
    "rotate service API key{c}: giving up after {m} attempt(s)",
    // client-go workqueue idiom: "Dropping pod %q out of the queue: %v"
    "{C}dropping out of the rotation queue after {m} attempts",
    // aws-sdk-go-v2 MaxAttemptsError
    "rotate service API key{c}: exceeded maximum number of attempts, {m}",
    // client-go record: "Unable to write event ... (retry limit exceeded!)"
    "Unable to rotate service API key{c} (retry limit exceeded!)",
    "{C}service API key rotation permanently failed",
    "Key rotation{c} abandoned: retry budget of {m} attempts used up",
    "Failure to rotate the service iam-api-key{c}: no retries left",
    // a limit with words between its parts
    "{C}reached the maximum of {m} rotation attempts",
    "Retry budget for the service API key{c} used up",
    "{C}gave up on the service credential after {m} tries",
    // tensorflow serving: "Retrying of %s exhausted max_num_retries: %d"
    "Retrying of rotate service API key{c} exhausted max_num_retries: {m}",
];

/// An outcome said only by a boolean field: a neutral message, and the
/// field's name and value for each outcome.
pub const FLAG_MSG: &[&str] = &[
    "{C}key rotation attempt{c}{a}",
    "{C}service API key rotation{c}{a}",
    "{C}rotate service apikey{c}{a}",
];
pub const FLAG_SUCCEEDED: &[(&str, bool)] = &[("rotated", true), ("success", true), ("ok", true)];
pub const FLAG_FAILED: &[(&str, bool)] = &[("rotated", false), ("success", false), ("ok", false)];
pub const FLAG_EXHAUSTED: &[(&str, bool)] = &[("gave_up", true), ("giveUp", true)];

/// Wrappers that name the operation, for each cause (empty: the bare error).
pub const ETCD_WRAP: &[&str] = &[
    "failed to read cluster record from etcd",
    "error getting KMS config from etcd",
    "could not store rotation state",
    "etcd get /armada/clusters/{id}/kms failed",
    "Error finding ETCD info for the cluster",
    // a step of the rotation, named in its own words
    "rotation step read_etcd_record failed",
    "",
];
pub const KUBE_WRAP: &[&str] = &[
    "unable to create kubernetes client for cluster master",
    "failed to build clientset",
    "could not get a client for the cluster master",
    "error creating kube client",
    "step=build_kube_client failed",
    "",
];
pub const WDEK_WRAP: &[&str] = &[
    "failed to update WDEK secret",
    "unable to write secret kube-system/{secret}",
    "error patching encryption secret",
    "could not store the new key in the cluster master",
    "rotation step update_wdek failed",
    "",
];
pub const OTHER_WRAP: &[&str] = &[
    "error wrapping DEK with root key",
    "unexpected response from Key Protect",
    "IAM token exchange failed",
    "error talking to KMS",
];

/// Underlying etcd errors (FORMATS.md section 5).
pub const ETCD_ERR: &[&str] = &[
    "etcdserver: request timed out",
    "etcdserver: request timed out, possibly due to previous leader failure",
    "etcdserver: leader changed",
    "etcdserver: no leader",
    "etcdserver: too many requests",
    "etcdserver: mvcc: database space exceeded",
    "etcdclient: no available endpoints",
    "rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing dial tcp 10.{o}.{p}.{q}:2379: connect: connection refused\"",
    "rpc error: code = DeadlineExceeded desc = latest balancer error: all SubConns are in TransientFailure",
    "etcdserver: unhealthy cluster",
];

/// Building or using a client to the cluster master (client-go, net, x509).
pub const KUBE_ERR: &[&str] = &[
    "Get \"https://{host}:{port}/api/v1/namespaces/kube-system/secrets\": dial tcp: lookup {host} on 172.21.0.10:53: read udp 172.30.{o}.{p}:4{q}1->172.21.0.10:53: i/o timeout",
    "dial tcp: lookup {host} on 172.21.0.10:53: server misbehaving",
    "dial tcp: lookup {host}: Try again",
    "Get \"https://{host}:{port}/version\": net/http: TLS handshake timeout",
    "Get \"https://{host}:{port}/api/v1/namespaces/kube-system/secrets/{secret}\": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)",
    "read tcp 172.30.{o}.{p}:5{q}2->10.{o}.{p}.{q}:{port}: read: connection reset by peer",
    "Get https://{host}:{port}/api: dial tcp 10.{o}.{p}.{q}:{port}: getsockopt: connection refused",
    "failed to list *v1.Secret: Unauthorized",
    "x509: certificate signed by unknown authority",
    "invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable",
    "Get \"https://{host}:{port}/version\": dial tcp 10.{o}.{p}.{q}:{port}: i/o timeout",
    "error: You must be logged in to the server (Unauthorized)",
    "dial tcp: lookup kubernetes.default.svc : i/o timeout",
];

/// Writing the secret on the cluster master (apiserver, controller-runtime).
pub const WDEK_ERR: &[&str] = &[
    "Operation cannot be fulfilled on secrets \"{secret}\": the object has been modified; please apply your changes to the latest version and try again",
    "secrets \"{secret}\" is forbidden: User \"system:serviceaccount:armada:armada-kp-events\" cannot update resource \"secrets\" in API group \"\" in the namespace \"kube-system\"",
    "secrets is forbidden: User \"system:serviceaccount:armada:armada-kp-events\" cannot list resource \"secrets\" in API group \"\" in the namespace \"kube-system\"",
    "Secret \"{secret}\" not found",
    "secrets \"{secret}\" not found",
    "Internal error occurred: resource quota evaluation timed out",
    "Timeout: request did not complete within requested timeout - context deadline exceeded",
    "MountVolume.SetUp failed for volume \"{secret}\" : secret \"{secret}\" not found",
];

/// Errors that match no runbook category.
pub const OTHER_ERR: &[&str] = &[
    "Key Protect returned 500 Internal Server Error: {\"metadata\":{\"collectionType\":\"application/vnd.ibm.kms.error+json\",\"collectionTotal\":1},\"resources\":[{\"errorMsg\":\"Internal Server Error\"}]}",
    "unexpected EOF",
    "kms: unwrap key: 503 Service Unavailable",
    "failed to decode key material: illegal base64 data at input byte 12",
    "BXNIM0415E: Provided API key could not be found",
    "json: cannot unmarshal string into Go struct field keyResponse.resources of type int",
];
