//! Socket Mode: with `SLACK_APP_TOKEN`, slack-morphism's listener opens the WebSocket named
//! by `apps.connections.open` and hands envelopes to the same handlers as HTTP; answers ride
//! back in the acknowledgements.

use futures::{SinkExt, StreamExt};
use secrecy::SecretString;
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

use super::fake::Fake;
use super::harness::{self, block_text, Options};
use super::logs;

pub const APP_TOKEN: &str = "xapp-1-A0001-0002-FAKEAPPTOKEN";

type Ws = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// Reads frames until the acknowledgement of `envelope_id`.
async fn ack_of(ws: &mut Ws, envelope_id: &str) -> Value {
    let read = async {
        while let Some(frame) = ws.next().await {
            if let Ok(Message::Text(text)) = frame {
                let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                if value["envelope_id"] == envelope_id {
                    return value;
                }
            }
        }
        panic!("the socket closed before acknowledging {envelope_id}");
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("acknowledged in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_mode_serves_commands_and_events_through_the_same_handlers() {
    logs();
    let dir = tempfile::tempdir().expect("temp dir");
    let fake = Fake::start().await;
    let server = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    fake.set_ws_url(format!(
        "ws://{}/link/?ticket=fake",
        server.local_addr().expect("addr")
    ));
    let app = harness::open_app(&dir.path().join("db"));
    let slack = harness::slack(app, &fake, &Options::default());
    let socket = steward::slack::socket::start(slack, SecretString::from(APP_TOKEN))
        .await
        .expect("Socket Mode starts");
    let (stream, _) = tokio::time::timeout(Duration::from_secs(10), server.accept())
        .await
        .expect("connected in time")
        .expect("accept");
    let mut ws = tokio_tungstenite::accept_async(stream)
        .await
        .expect("handshake");
    let hello = json!({"type": "hello", "num_connections": 1, "debug_info": {"host": "applink-1", "approximate_connection_time": 18060}, "connection_info": {"app_id": "A1"}});
    ws.send(Message::Text(hello.to_string().into()))
        .await
        .expect("hello");

    let command = json!({
        "envelope_id": "e1", "type": "slash_commands", "accepts_response_payload": true,
        "payload": {"token": "x", "team_id": "T1", "team_domain": "example", "channel_id": "C1", "channel_name": "accounts", "user_id": "U1",
                    "user_name": "someone", "command": "/steward", "text": "help", "api_app_id": "A1", "is_enterprise_install": "false",
                    "response_url": fake.response_url(), "trigger_id": "1.2.3"},
    });
    ws.send(Message::Text(command.to_string().into()))
        .await
        .expect("command");
    let ack = ack_of(&mut ws, "e1").await;
    assert_eq!(ack["payload"]["response_type"], "ephemeral", "{ack}");
    assert!(
        block_text(&ack["payload"]).contains("/account"),
        "the help answer rides in the ack: {ack}"
    );

    let event = json!({
        "envelope_id": "e2", "type": "events_api", "accepts_response_payload": false,
        "payload": {"token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback", "event_id": "EvS1", "event_time": 1700000000,
                    "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": true}],
                    "event": {"type": "app_mention", "user": "U1", "text": "<@UBOT> hi", "ts": "1700000000.000200", "channel": "C1", "event_ts": "1700000000.000200"}},
    });
    ws.send(Message::Text(event.to_string().into()))
        .await
        .expect("event");
    ack_of(&mut ws, "e2").await;
    let posts = fake.wait_for("chat.postMessage", 1).await;
    assert_eq!(posts[0]["channel"], "C1");
    assert!(
        fake.calls_to("apps.connections.open").len() == 1,
        "connected with the app token once"
    );
    socket.stop().await;
    fake.assert_clean();
}
