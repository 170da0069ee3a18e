//! The forms, each as a real tool prints it. The comment above each group
//! names the tool and where its wording was taken from.

use super::cloud;
use super::values::{Alpha, Gen, Shape, ANY, URL_SAFE};
use Shape::{Klog, Kubectl, Zap};

pub struct Form {
    pub shape: Shape,
    pub text: String,
    /// What must not appear, not even 8 characters of it.
    pub secrets: Vec<String>,
}

pub fn f(shape: Shape, text: String, secrets: &[&String]) -> Form {
    Form {
        shape,
        text,
        secrets: secrets.iter().map(|s| s.to_string()).collect(),
    }
}

pub type Make = fn(&mut Gen) -> Form;

/// Long enough that `credential_like` accepts letters alone, as every real
/// bearer token is.
fn token(g: &mut Gen, alphas: &[Alpha]) -> String {
    g.value(alphas, 20, 64)
}

pub fn all() -> Vec<Make> {
    let families: [&[Make]; 14] = [
        &etcdctl_flags(),
        &etcd_env(),
        &kubectl(),
        &curl_requests(),
        &curl_auth(),
        &go_headers(),
        &env_dumps(),
        &cloud::iam_exchange(),
        &cloud::iam_keys(),
        &cloud::percent_json(),
        &cloud::github(),
        &cloud::aws(),
        &cloud::pem_lines(),
        &cloud::key_protect(),
    ];
    families.concat()
}

/// etcdctl: `--user` takes "username[:password]" (etcd-io/etcd
/// etcdctl/READMEv2.md), v2 also as `-u root:PASSWORD` (Bitnami's etcd
/// guide); v3 takes `--password` apart. ETCDCTL_* environment names
/// mirror the flags (etcd's README, "ETCDCTL_DIAL_TIMEOUT=3s").
fn etcdctl_flags() -> [Make; 5] {
    [
        |g| {
            let s = g.any(ANY);
            f(Zap, format!("etcdctl --endpoints=https://10.0.0.1:2379 --user=root:{s} get /kp/wdek: context deadline exceeded"), &[&s])
        },
        |g| {
            let s = g.any(ANY);
            f(
                Kubectl,
                format!("exec etcdctl --user root:{s} endpoint health failed: exit status 1"),
                &[&s],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(Klog, format!("etcdctl --user=kp-events --password={s} put /kp/wdek: etcdserver: request timed out"), &[&s])
        },
        |g| {
            let s = g.any(ANY);
            f(
                Zap,
                format!(
                    "etcdctl --user kp-events --password {s} get /kp/wdek: authentication failed"
                ),
                &[&s],
            )
        },
        |g| {
            let s = g.any(URL_SAFE);
            f(
                Kubectl,
                format!("etcdctl -u root:{s} ls /kp: 401 Unauthorized"),
                &[&s],
            )
        },
    ]
}

/// etcd's environment names, as `env` prints them.
fn etcd_env() -> [Make; 3] {
    [
        |g| {
            let s = g.any(ANY);
            f(
                Zap,
                format!("etcd client env ETCD_PASS={s} ETCDCTL_ENDPOINTS=https://10.0.0.1:2379"),
                &[&s],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(
                Kubectl,
                format!("environment: ETCDCTL_PASSWORD={s} ETCDCTL_USER=kp-events"),
                &[&s],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(
                Klog,
                format!("etcd auth failed with ETCD_ROOT_PASSWORD='{s}'"),
                &[&s],
            )
        },
    ]
}

/// kubectl: `kubectl config set-credentials user --token={token}` (IBM
/// Cloud Paks docs, "Using service account tokens"); `--token` also
/// takes its value after a space, as every pflag flag does.
fn kubectl() -> [Make; 6] {
    [
        |g| {
            let s = token(g, ANY);
            f(Kubectl, format!("kubectl --server=https://c1.us-south.containers.cloud.ibm.com:30000 --token={s} get secret kp-wdek -n kube-system: Unauthorized"), &[&s])
        },
        |g| {
            let s = token(g, ANY);
            f(
                Zap,
                format!("kubectl --token {s} patch secret kp-wdek: exit status 1"),
                &[&s],
            )
        },
        |g| {
            let s = token(g, ANY);
            f(
                Klog,
                format!("kubectl config set-credentials kp-events --token={s}: permission denied"),
                &[&s],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(
                Kubectl,
                format!("kubectl --username=admin --password={s} get nodes: Unauthorized"),
                &[&s],
            )
        },
        |g| {
            let s = token(g, ANY);
            f(Zap, format!("Secret: --token {s}"), &[&s])
        },
        |g| {
            let s = token(g, ANY);
            f(
                Kubectl,
                format!("kubectl get secret kp-wdek --token {s} -o yaml: forbidden"),
                &[&s],
            )
        },
    ]
}

/// curl -v: request headers after `> `, response after `< ` ("> Authorization:
/// Basic dXNlcm5hbWU6cGFzc3dvcmQK", abdullah/til "Authorize a cURL
/// request"); IBM Cloud IAM's own example sends `Authorization: Basic
/// Yng6Yng=` and `--data-urlencode 'apikey=xxx'` (IBM Cloud IAM "How to
/// generate an IBM Cloud token from an API Key").
fn curl_requests() -> [Make; 5] {
    [
        |g| {
            let s = token(g, ANY);
            f(
                Kubectl,
                format!("> Authorization: Bearer {s} < HTTP/1.1 401 Unauthorized"),
                &[&s],
            )
        },
        |g| {
            let n = g.int(12, 40);
            let s = g.base64_of(n);
            f(
                Zap,
                format!("> Authorization: Basic {s} < HTTP/2 403"),
                &[&s.trim_end_matches('=').to_string()],
            )
        },
        |g| {
            let s = token(g, ANY);
            f(
                Klog,
                format!("> X-Auth-Token: {s} < HTTP/1.1 401 Unauthorized"),
                &[&s],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(
                Kubectl,
                format!("> Cookie: sid={s} < HTTP/1.1 302 Found"),
                &[&s],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(
                Zap,
                format!("< Set-Cookie: ibm-session={s}; Path=/; HttpOnly; Secure"),
                &[&s],
            )
        },
    ]
}

/// More of curl -v: response cookies, `-u`, form bodies and bare headers.
fn curl_auth() -> [Make; 4] {
    [
        |g| {
            let s = g.any(URL_SAFE);
            f(
                Kubectl,
                format!(
                    "curl -s -u admin:{s} https://kp.us-south.kms.cloud.ibm.com/api/v2/keys: 401"
                ),
                &[&s],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(Zap, format!("curl --data-urlencode 'apikey={s}' --data-urlencode 'grant_type=urn:ibm:params:oauth:grant-type:apikey' https://iam.cloud.ibm.com/identity/token: 400"), &[&s])
        },
        |g| {
            let s = g.any(ANY);
            f(
                Klog,
                format!("> x-api-key: {s} < HTTP/1.1 401 Unauthorized"),
                &[&s],
            )
        },
        |g| {
            let s = token(g, ANY);
            f(
                Kubectl,
                format!("> Authorization: {s} < HTTP/1.1 401 Unauthorized"),
                &[&s],
            )
        },
    ]
}

/// Go: `%#v` of an http.Header prints `http.Header{"Content-Type":
/// []string{"application/json"}}` (the composite literal, as in zauner.nllk.net
/// "golang gotchas: http.Header"); `%v` prints `map[Accept:[text/html
/// application/json]]` (gofaq.org "How to set HTTP headers").
fn go_headers() -> [Make; 6] {
    [
        |g| {
            let s = g.any(ANY);
            f(Zap, format!("request headers http.Header{{\"Content-Type\":[]string{{\"application/json\"}}, \"X-Api-Key\":[]string{{\"{s}\"}}}}"), &[&s])
        },
        |g| {
            let s = token(g, ANY);
            f(Klog, format!("request headers http.Header{{\"Authorization\":[]string{{\"Bearer {s}\"}}, \"Bluemix-Instance\":[]string{{\"kp-1\"}}}}"), &[&s])
        },
        |g| {
            let s = token(g, ANY);
            f(
                Zap,
                format!("headers map[Authorization:[Bearer {s}] Content-Type:[application/json]]"),
                &[&s],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(
                Kubectl,
                format!("headers map[Accept:[application/json] X-Auth-Token:[{s}]]"),
                &[&s],
            )
        },
        |g| {
            let s = token(g, ANY);
            f(
                Zap,
                format!("http.Header{{\"Authorization\":[]string{{\"{s}\"}}}}"),
                &[&s],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(Klog, format!("&http.Request{{Method:\"POST\", Header:http.Header{{\"X-Api-Key\":[]string{{\"{s}\"}}}}}}"), &[&s])
        },
    ]
}

/// Environment dumps: `env` prints NAME=value, bash's `export -p`
/// prints `declare -x NAME="value"`, a shell trace `export NAME=value`.
fn env_dumps() -> [Make; 6] {
    [
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
    ]
}
