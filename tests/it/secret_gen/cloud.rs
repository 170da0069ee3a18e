//! The forms of cloud services: IBM Cloud IAM, percent-encoded bodies,
//! GitHub, AWS, PEM lines and Key Protect.

use super::forms::{f, Make};
use super::values::{Alpha, Shape, ALNUM, ANY, HEX, UPPER_DIGITS, URL_SAFE};
use Shape::{Bare, Klog, Kubectl, Logdna, Zap};

/// IBM Cloud IAM: POST https://iam.cloud.ibm.com/identity/token with
/// `grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=MY_APIKEY`,
/// answering {"access_token": ..., "refresh_token": ..., "token_type":
/// "Bearer"} (IBM watsonx Orchestrate docs, "Generating an IAM Access
/// Token"; IBM Cloud docs, "IAM token from API key"); `ibmcloud iam
/// oauth-tokens` prints "IAM token:  Bearer eyJraWQiOiIyM..." (IBM Cloud
/// Metrics Routing docs); `ibmcloud login --apikey KEY`.
pub fn iam_exchange() -> [Make; 6] {
    [
        |g| {
            let s = g.value(&[Alpha::Letters], 16, 40);
            f(Zap, format!("Token: {s}"), &[&s])
        },
        |g| {
            let s = g.value(&[Alpha::Letters], 8, 24);
            f(Kubectl, format!("login failed, Passwd: {s}"), &[&s])
        },
        |g| {
            let s = g.value(&[Alpha::Letters], 8, 40);
            f(
                Klog,
                format!("iam answer access_token: {s} token_type: Bearer"),
                &[&s],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(Zap, format!("IAM answer {{\"access_token\":\"{s}\",\"token_type\":\"Bearer\",\"expires_in\":3600}}"), &[&s])
        },
        |g| {
            let s = g.any(ANY);
            f(
                Kubectl,
                format!("IAM answer refresh_token: {s} expires_in: 3600"),
                &[&s],
            )
        },
        |g| {
            let s = g.any(ANY);
            f(Zap, format!("POST https://iam.cloud.ibm.com/identity/token grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey={s}: 400 Bad Request"), &[&s])
        },
    ]
}

/// IBM Cloud API keys: 44 characters of `[A-Za-z0-9_-]`.
const IAM_KEY: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// More of IBM Cloud IAM: API keys and tokens as sent.
pub fn iam_keys() -> [Make; 6] {
    [
        |g| {
            let s = g.exact(IAM_KEY, 44);
            f(
                Kubectl,
                format!("ibmcloud login --apikey {s} -r us-south: FAILED"),
                &[&s],
            )
        },
        |g| {
            let s = g.exact(IAM_KEY, 44);
            f(
                Zap,
                format!("service key {{\"apikey\": \"{s}\"}} rejected"),
                &[&s],
            )
        },
        |g| {
            let (a, b, c) = (
                g.exact(ALNUM, 30),
                g.exact(ALNUM, 40),
                g.value(&[Alpha::Base64Url], 43, 86),
            );
            f(
                Kubectl,
                format!("IAM token:  Bearer eyJraWQiOi{a}.eyJpYW1faWQi{b}.{c}"),
                &[&a, &b, &c],
            )
        },
        |g| {
            let s = g.any(URL_SAFE);
            let url = format!("PUT https://apikey:{s}@kp.us-south.kms.cloud.ibm.com/api/v2/keys");
            f(Klog, url, &[&s])
        },
        |g| {
            let s = g.any(ANY);
            f(Zap, format!("iam_apikey={s} cluster=c1"), &[&s])
        },
        |g| {
            let s = g.any(ANY);
            f(
                Kubectl,
                format!("body {{\\\"password\\\":\\\"{s}\\\"}} rejected"),
                &[&s],
            )
        },
    ]
}

/// A JSON body inside a URL or a form, percent-encoded (curl's
/// --data-urlencode encodes `"` as %22 and `:` as %3A).
pub fn percent_json() -> [Make; 3] {
    [
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
    ]
}

/// GitHub: ghp_ personal, gho_ OAuth, ghu_/ghs_ app, ghr_ refresh tokens
/// of [A-Za-z0-9_] (GitHub changelog, 2021-03-31 "Authentication token
/// format updates"); the API takes `Authorization: token ghp_...`.
pub fn github() -> [Make; 4] {
    [
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
    ]
}

/// AWS SigV4: the header `AWS4-HMAC-SHA256 Credential=<key id>/<date>/
/// <region>/<service>/aws4_request, SignedHeaders=..., Signature=<64
/// hex>` as an SDK's debug log prints it (DustinKLo/aws-elasticsearch-proxy
/// README, "Example of signed request"), and a pre-signed URL's
/// X-Amz-Credential / X-Amz-Signature / X-Amz-Security-Token query
/// (Amazon S3 API Reference, "Authenticating Requests: Using Query
/// Parameters").
pub fn aws() -> [Make; 6] {
    [
        |g| {
            let (k, s) = (g.exact(UPPER_DIGITS, 16), g.exact(HEX, 64));
            f(Zap, format!("Authorization: AWS4-HMAC-SHA256 Credential=AKIA{k}/20261120/us-south/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={s}"), &[&k, &s])
        },
        |g| {
            let (k, s) = (g.exact(UPPER_DIGITS, 16), g.exact(HEX, 64));
            f(Kubectl, format!("GET https://s3.us-south.cloud-object-storage.appdomain.cloud/kp/wdek?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA{k}%2F20261120%2Fus-south%2Fs3%2Faws4_request&X-Amz-Date=20261120T030004Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature={s}: 403"), &[&k, &s])
        },
        |g| {
            let s = g.base64_of(96);
            f(
                Klog,
                format!("X-Amz-Security-Token: {s}"),
                &[&s[..120].to_string()],
            )
        },
        |g| {
            let s = g.value(&[Alpha::Base64Url], 40, 90);
            f(Zap, format!("presigned https://s3.amazonaws.com/kp/wdek?X-Amz-Security-Token={s}&X-Amz-Date=20261120T030004Z"), &[&s])
        },
        |g| {
            let (k, s) = (g.exact(UPPER_DIGITS, 16), g.exact(HEX, 64));
            f(Kubectl, format!("Authorization [AWS4-HMAC-SHA256 Credential=AKIA{k}/20261120/us-south/es/aws4_request, SignedHeaders=host;x-amz-date, Signature={s}]"), &[&k, &s])
        },
        |g| {
            let s = g.value(&[Alpha::Base64], 40, 40);
            f(Zap, format!("aws_secret_access_key = {s}"), &[&s])
        },
    ]
}

/// PEM: LogDNA and IBM Cloud Logs keep one line per record, so a key
/// printed by `openssl` or a Secret dump arrives 64 characters a record.
pub fn pem_lines() -> [Make; 5] {
    [
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
    ]
}

/// Key Protect: unwrap answers {"plaintext": "<base64 DEK>"}.
pub fn key_protect() -> [Make; 3] {
    [
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
    ]
}
