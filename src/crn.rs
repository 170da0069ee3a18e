//! IBM Cloud resource names (CRNs) of Kubernetes clusters.

/// The cluster id a containers-kubernetes CRN names.
pub fn cluster_of_crn(crn: &str) -> Option<String> {
    let parts: Vec<&str> = crn.split(':').collect();
    // crn:v1:CNAME:CTYPE:SERVICE:LOCATION:SCOPE:SERVICE-INSTANCE:RESOURCE-TYPE:RESOURCE
    if parts.len() < 8 || parts[0] != "crn" || parts[4] != "containers-kubernetes" {
        return None;
    }
    let id = parts[7];
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| id.to_ascii_lowercase())
}
