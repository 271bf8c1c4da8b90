//! Sync against a real Miniflux: `scripts/with-servers cargo test --locked` starts one
//! (PostgreSQL and Miniflux 2.3.5 on loopback ports) and names it in
//! HERALD_TEST_MINIFLUX_URL, _USER and _PASSWORD. Every test here has `needs_miniflux` in
//! its name and fails, saying why, when those are not set: it never skips.

/// The test server's address and credentials.
struct Miniflux {
    url: String,
    user: String,
    password: String,
}

fn miniflux() -> Miniflux {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!(
                "{name} is not set: the needs_miniflux tests run against a real Miniflux; \
                 run them as `scripts/with-servers cargo test --locked` (PostgreSQL and Go \
                 needed, see README)"
            )
        })
    };
    Miniflux {
        url: var("HERALD_TEST_MINIFLUX_URL"),
        user: var("HERALD_TEST_MINIFLUX_USER"),
        password: var("HERALD_TEST_MINIFLUX_PASSWORD"),
    }
}

impl Miniflux {
    /// GET `path` of the server's API as the test user: the status and the body.
    fn get(&self, path: &str) -> (u16, String) {
        use base64::Engine;
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.user, self.password));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent
            .get(format!("{}{path}", self.url))
            .header("Authorization", format!("Basic {basic}"))
            .call()
            .unwrap();
        let status = response.status().as_u16();
        (status, response.body_mut().read_to_string().unwrap())
    }
}

/// The harness itself: the server answers as the test user.
#[test]
fn needs_miniflux_the_test_server_answers() {
    let server = miniflux();
    let (status, body) = server.get("/v1/me");
    assert_eq!(status, 200, "{body}");
    let me: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(me["username"], server.user.as_str());
}
