//! The forms, each as a real tool prints it. The comment above each group
//! names the tool and where its wording was taken from.

use super::values::{Alpha, Gen, Shape, ALNUM, ANY, HEX, UPPER_DIGITS, URL_SAFE};
use Shape::{Bare, Klog, Kubectl, Logdna, Zap};

pub struct Form {
    pub shape: Shape,
    pub text: String,
    /// What must not appear, not even 8 characters of it.
    pub secrets: Vec<String>,
}

fn f(shape: Shape, text: String, secrets: &[&String]) -> Form {
    Form {
        shape,
        text,
        secrets: secrets.iter().map(|s| s.to_string()).collect(),
    }
}

type Make = fn(&mut Gen) -> Form;

/// Long enough that `credential_like` accepts letters alone, as every real
/// bearer token is.
fn token(g: &mut Gen, alphas: &[Alpha]) -> String {
    g.value(alphas, 20, 64)
}

pub fn all() -> Vec<Make> {
    let mut v: Vec<Make> = Vec::new();
    // etcdctl: `--user` takes "username[:password]" (etcd-io/etcd
    // etcdctl/READMEv2.md), v2 also as `-u root:PASSWORD` (Bitnami's etcd
    // guide); v3 takes `--password` apart. ETCDCTL_* environment names
    // mirror the flags (etcd's README, "ETCDCTL_DIAL_TIMEOUT=3s").
    v.extend::<[Make; 8]>([
        |g| { let s = g.any(ANY); f(Zap, format!("etcdctl --endpoints=https://10.0.0.1:2379 --user=root:{s} get /kp/wdek: context deadline exceeded"), &[&s]) },
        |g| { let s = g.any(ANY); f(Kubectl, format!("exec etcdctl --user root:{s} endpoint health failed: exit status 1"), &[&s]) },
        |g| { let s = g.any(ANY); f(Klog, format!("etcdctl --user=kp-events --password={s} put /kp/wdek: etcdserver: request timed out"), &[&s]) },
        |g| { let s = g.any(ANY); f(Zap, format!("etcdctl --user kp-events --password {s} get /kp/wdek: authentication failed"), &[&s]) },
        |g| { let s = g.any(URL_SAFE); f(Kubectl, format!("etcdctl -u root:{s} ls /kp: 401 Unauthorized"), &[&s]) },
        |g| { let s = g.any(ANY); f(Zap, format!("etcd client env ETCD_PASS={s} ETCDCTL_ENDPOINTS=https://10.0.0.1:2379"), &[&s]) },
        |g| { let s = g.any(ANY); f(Kubectl, format!("environment: ETCDCTL_PASSWORD={s} ETCDCTL_USER=kp-events"), &[&s]) },
        |g| { let s = g.any(ANY); f(Klog, format!("etcd auth failed with ETCD_ROOT_PASSWORD='{s}'"), &[&s]) },
    ]);
    // kubectl: `kubectl config set-credentials user --token={token}` (IBM
    // Cloud Paks docs, "Using service account tokens"); `--token` also
    // takes its value after a space, as every pflag flag does.
    v.extend::<[Make; 6]>([
        |g| { let s = token(g, ANY); f(Kubectl, format!("kubectl --server=https://c1.us-south.containers.cloud.ibm.com:30000 --token={s} get secret kp-wdek -n kube-system: Unauthorized"), &[&s]) },
        |g| { let s = token(g, ANY); f(Zap, format!("kubectl --token {s} patch secret kp-wdek: exit status 1"), &[&s]) },
        |g| { let s = token(g, ANY); f(Klog, format!("kubectl config set-credentials kp-events --token={s}: permission denied"), &[&s]) },
        |g| { let s = g.any(ANY); f(Kubectl, format!("kubectl --username=admin --password={s} get nodes: Unauthorized"), &[&s]) },
        |g| { let s = token(g, ANY); f(Zap, format!("Secret: --token {s}"), &[&s]) },
        |g| { let s = token(g, ANY); f(Kubectl, format!("kubectl get secret kp-wdek --token {s} -o yaml: forbidden"), &[&s]) },
    ]);
    // curl -v: request headers after `> `, response after `< ` ("> Authorization:
    // Basic dXNlcm5hbWU6cGFzc3dvcmQK", abdullah/til "Authorize a cURL
    // request"); IBM Cloud IAM's own example sends `Authorization: Basic
    // Yng6Yng=` and `--data-urlencode 'apikey=xxx'` (IBM Cloud IAM "How to
    // generate an IBM Cloud token from an API Key").
    v.extend::<[Make; 9]>([
        |g| { let s = token(g, ANY); f(Kubectl, format!("> Authorization: Bearer {s} < HTTP/1.1 401 Unauthorized"), &[&s]) },
        |g| { let n = g.int(12, 40); let s = g.base64_of(n); f(Zap, format!("> Authorization: Basic {s} < HTTP/2 403"), &[&s.trim_end_matches('=').to_string()]) },
        |g| { let s = token(g, ANY); f(Klog, format!("> X-Auth-Token: {s} < HTTP/1.1 401 Unauthorized"), &[&s]) },
        |g| { let s = g.any(ANY); f(Kubectl, format!("> Cookie: sid={s} < HTTP/1.1 302 Found"), &[&s]) },
        |g| { let s = g.any(ANY); f(Zap, format!("< Set-Cookie: ibm-session={s}; Path=/; HttpOnly; Secure"), &[&s]) },
        |g| { let s = g.any(URL_SAFE); f(Kubectl, format!("curl -s -u admin:{s} https://kp.us-south.kms.cloud.ibm.com/api/v2/keys: 401"), &[&s]) },
        |g| { let s = g.any(ANY); f(Zap, format!("curl --data-urlencode 'apikey={s}' --data-urlencode 'grant_type=urn:ibm:params:oauth:grant-type:apikey' https://iam.cloud.ibm.com/identity/token: 400"), &[&s]) },
        |g| { let s = g.any(ANY); f(Klog, format!("> x-api-key: {s} < HTTP/1.1 401 Unauthorized"), &[&s]) },
        |g| { let s = token(g, ANY); f(Kubectl, format!("> Authorization: {s} < HTTP/1.1 401 Unauthorized"), &[&s]) },
    ]);
    // Go: `%#v` of an http.Header prints `http.Header{"Content-Type":
    // []string{"application/json"}}` (the composite literal, as in zauner.nllk.net
    // "golang gotchas: http.Header"); `%v` prints `map[Accept:[text/html
    // application/json]]` (gofaq.org "How to set HTTP headers").
    v.extend::<[Make; 6]>([
        |g| { let s = g.any(ANY); f(Zap, format!("request headers http.Header{{\"Content-Type\":[]string{{\"application/json\"}}, \"X-Api-Key\":[]string{{\"{s}\"}}}}"), &[&s]) },
        |g| { let s = token(g, ANY); f(Klog, format!("request headers http.Header{{\"Authorization\":[]string{{\"Bearer {s}\"}}, \"Bluemix-Instance\":[]string{{\"kp-1\"}}}}"), &[&s]) },
        |g| { let s = token(g, ANY); f(Zap, format!("headers map[Authorization:[Bearer {s}] Content-Type:[application/json]]"), &[&s]) },
        |g| { let s = g.any(ANY); f(Kubectl, format!("headers map[Accept:[application/json] X-Auth-Token:[{s}]]"), &[&s]) },
        |g| { let s = token(g, ANY); f(Zap, format!("http.Header{{\"Authorization\":[]string{{\"{s}\"}}}}"), &[&s]) },
        |g| { let s = g.any(ANY); f(Klog, format!("&http.Request{{Method:\"POST\", Header:http.Header{{\"X-Api-Key\":[]string{{\"{s}\"}}}}}}"), &[&s]) },
    ]);
    // Environment dumps: `env` prints NAME=value, bash's `export -p`
    // prints `declare -x NAME="value"`, a shell trace `export NAME=value`.
    v.extend::<[Make; 6]>([
        |g| {
            let s = g.any(ANY);
            f(
                Kubectl,
                format!("pod env: ETCD_PASS={s} KP_REGION=us-south"),
                &[&s],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(Zap, format!("+ export X_AUTH={s}"), &[&s])
        },
        |g| {
            let s = g.any(ANY);
            f(
                Klog,
                format!("env KP_SERVICE_TOKEN={s} KP_INSTANCE=kp-1"),
                &[&s],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(
                Kubectl,
                format!("declare -x IAM_CLIENT_SECRET=\"{s}\""),
                &[&s],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(Zap, format!("env WDEK_KEY={s} WDEK_NAME=kp-wdek"), &[&s])
        },
        |g| {
            let s = g.any(ANY);
            f(Kubectl, format!("declare -x KP_AUTH=\"{s}\""), &[&s])
        },
    ]);
    // IBM Cloud IAM: POST https://iam.cloud.ibm.com/identity/token with
    // `grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=MY_APIKEY`,
    // answering {"access_token": ..., "refresh_token": ..., "token_type":
    // "Bearer"} (IBM watsonx Orchestrate docs, "Generating an IAM Access
    // Token"; IBM Cloud docs, "IAM token from API key"); `ibmcloud iam
    // oauth-tokens` prints "IAM token:  Bearer eyJraWQiOiIyM..." (IBM Cloud
    // Metrics Routing docs); `ibmcloud login --apikey KEY`.
    v.extend::<[Make; 12]>([
        |g| { let s = g.value(&[Alpha::Letters], 16, 40); f(Zap, format!("Token: {s}"), &[&s]) },
        |g| { let s = g.value(&[Alpha::Letters], 8, 24); f(Kubectl, format!("login failed, Passwd: {s}"), &[&s]) },
        |g| { let s = g.value(&[Alpha::Letters], 8, 40); f(Klog, format!("iam answer access_token: {s} token_type: Bearer"), &[&s]) },
        |g| { let s = g.any(ANY); f(Zap, format!("IAM answer {{\"access_token\":\"{s}\",\"token_type\":\"Bearer\",\"expires_in\":3600}}"), &[&s]) },
        |g| { let s = g.any(ANY); f(Kubectl, format!("IAM answer refresh_token: {s} expires_in: 3600"), &[&s]) },
        |g| { let s = g.any(ANY); f(Zap, format!("POST https://iam.cloud.ibm.com/identity/token grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey={s}: 400 Bad Request"), &[&s]) },
        |g| { let s = g.exact(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 44); f(Kubectl, format!("ibmcloud login --apikey {s} -r us-south: FAILED"), &[&s]) },
        |g| { let s = g.exact(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 44); f(Zap, format!("service key {{\"apikey\": \"{s}\"}} rejected"), &[&s]) },
        |g| { let (a, b, c) = (g.exact(ALNUM, 30), g.exact(ALNUM, 40), g.value(&[Alpha::Base64Url], 43, 86)); f(Kubectl, format!("IAM token:  Bearer eyJraWQiOi{a}.eyJpYW1faWQi{b}.{c}"), &[&a, &b, &c]) },
        |g| { let s = g.any(ANY); f(Klog, format!("PUT https://apikey:{}@kp.us-south.kms.cloud.ibm.com/api/v2/keys", s.replace(['/', '+'], "x")), &[&s.replace(['/', '+'], "x")]) },
        |g| { let s = g.any(ANY); f(Zap, format!("iam_apikey={s} cluster=c1"), &[&s]) },
        |g| { let s = g.any(ANY); f(Kubectl, format!("body {{\\\"password\\\":\\\"{s}\\\"}} rejected"), &[&s]) },
    ]);
    v.extend(more());
    v
}

fn more() -> Vec<Make> {
    let mut v: Vec<Make> = Vec::new();
    // A JSON body inside a URL or a form, percent-encoded (curl's
    // --data-urlencode encodes `"` as %22 and `:` as %3A).
    v.extend::<[Make; 3]>([
        |g| {
            let s = g.value(URL_SAFE, 16, 48);
            f(
                Zap,
                format!("POST /api/v2/keys?body=%7B%22apikey%22%3A%22{s}%22%7D: 400"),
                &[&s],
            )
        },
        |g| {
            let s = g.value(URL_SAFE, 16, 48);
            f(
                Kubectl,
                format!("data=%7B%22iam_apikey%22%3A%22{s}%22%2C%22cluster%22%3A%22c1%22%7D"),
                &[&s],
            )
        },
        |g| {
            let s = g.value(URL_SAFE, 16, 48);
            f(Klog, format!("form %7B%22password%22:%22{s}%22%7D"), &[&s])
        },
    ]);
    // GitHub: ghp_ personal, gho_ OAuth, ghu_/ghs_ app, ghr_ refresh tokens
    // of [A-Za-z0-9_] (GitHub changelog, 2021-03-31 "Authentication token
    // format updates"); the API takes `Authorization: token ghp_...`.
    v.extend::<[Make; 4]>([
        |g| {
            let s = g.exact(ALNUM, 36);
            f(Kubectl, format!("git fetch with token ghp_{s}: 401"), &[&s])
        },
        |g| {
            let s = g.exact(ALNUM, 36);
            f(Zap, format!("Authorization: token gho_{s}"), &[&s])
        },
        |g| {
            let s = g.exact(ALNUM, 36);
            f(
                Klog,
                format!("git clone https://x-access-token:ghs_{s}@github.ibm.com/kp/wdek.git: 403"),
                &[&s],
            )
        },
        |g| {
            let s = g.exact(ALNUM, 59);
            f(
                Kubectl,
                format!("GITHUB_TOKEN github_pat_11A{s} expired"),
                &[&s],
            )
        },
    ]);
    // AWS SigV4: the header `AWS4-HMAC-SHA256 Credential=<key id>/<date>/
    // <region>/<service>/aws4_request, SignedHeaders=..., Signature=<64
    // hex>` as an SDK's debug log prints it (DustinKLo/aws-elasticsearch-proxy
    // README, "Example of signed request"), and a pre-signed URL's
    // X-Amz-Credential / X-Amz-Signature / X-Amz-Security-Token query
    // (Amazon S3 API Reference, "Authenticating Requests: Using Query
    // Parameters").
    v.extend::<[Make; 6]>([
        |g| { let (k, s) = (g.exact(UPPER_DIGITS, 16), g.exact(HEX, 64)); f(Zap, format!("Authorization: AWS4-HMAC-SHA256 Credential=AKIA{k}/20261120/us-south/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={s}"), &[&k, &s]) },
        |g| { let (k, s) = (g.exact(UPPER_DIGITS, 16), g.exact(HEX, 64)); f(Kubectl, format!("GET https://s3.us-south.cloud-object-storage.appdomain.cloud/kp/wdek?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA{k}%2F20261120%2Fus-south%2Fs3%2Faws4_request&X-Amz-Date=20261120T030004Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature={s}: 403"), &[&k, &s]) },
        |g| { let s = g.base64_of(96); f(Klog, format!("X-Amz-Security-Token: {s}"), &[&s[..120].to_string()]) },
        |g| { let s = g.value(&[Alpha::Base64Url], 40, 90); f(Zap, format!("presigned https://s3.amazonaws.com/kp/wdek?X-Amz-Security-Token={s}&X-Amz-Date=20261120T030004Z"), &[&s]) },
        |g| { let (k, s) = (g.exact(UPPER_DIGITS, 16), g.exact(HEX, 64)); f(Kubectl, format!("Authorization [AWS4-HMAC-SHA256 Credential=AKIA{k}/20261120/us-south/es/aws4_request, SignedHeaders=host;x-amz-date, Signature={s}]"), &[&k, &s]) },
        |g| { let s = g.value(&[Alpha::Base64], 40, 40); f(Zap, format!("aws_secret_access_key = {s}"), &[&s]) },
    ]);
    // PEM: LogDNA and IBM Cloud Logs keep one line per record, so a key
    // printed by `openssl` or a Secret dump arrives 64 characters a record.
    v.extend::<[Make; 5]>([
        |g| {
            let s = g.base64_of(48);
            f(Bare, s.clone(), &[&s])
        },
        |g| {
            let s = g.base64_of(48);
            f(Logdna, s.clone(), &[&s])
        },
        |g| {
            let n = g.int(18, 44);
            let s = g.base64_of(n);
            f(Bare, s.clone(), &[&s.trim_end_matches('=').to_string()])
        },
        |g| {
            let s = g.base64_of(48);
            f(Zap, format!("tls.key line {s}"), &[&s])
        },
        |g| {
            let s = g.base64_of(48);
            f(
                Kubectl,
                format!("-----BEGIN RSA PRIVATE KEY----- {s}"),
                &[&s],
            )
        },
    ]);
    // Key Protect: unwrap answers {"plaintext": "<base64 DEK>"}.
    v.extend::<[Make; 3]>([
        |g| {
            let s = g.base64_of(32);
            f(
                Zap,
                format!("unwrap answer {{\"plaintext\":\"{s}\"}}"),
                &[&s[..40].to_string()],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(
                Klog,
                format!("client_secret={s}&grant_type=client_credentials"),
                &[&s],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(Kubectl, format!("passphrase: {s}"), &[&s])
        },
    ]);
    v
}
