//! Purpose: Socket Mode — when `SLACK_APP_TOKEN` is set, slack-morphism's
//! `SlackClientSocketModeListener` holds the WebSocket (`apps.connections.open`, reconnects,
//! acknowledgements) and hands each envelope to the same handlers the HTTP routes use. Its
//! typed events are turned back into the JSON those handlers read; what its types drop — the
//! enterprise id of commands and interactions — is filled from `auth.test`, which names the
//! bot token's own workspace.

use hyper_util::client::legacy::connect::Connect;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use slack_morphism::clients_manager::SlackSocketModeClientsManagerFactory;
use slack_morphism::prelude::*;
use std::sync::Arc;

use super::api::Resend;
use super::commands::{self, Ack, SlashCommand};
use super::{events, interact, Origin, Slack};

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;
type Connecting = futures::future::BoxFuture<'static, Result<Socket, String>>;

/// The handlers' state inside the listener.
struct State {
    slack: Arc<Slack>,
    /// `(team, enterprise)` of the bot's workspace, when it belongs to an enterprise.
    home: Option<(String, String)>,
}

impl State {
    fn enterprise_of(&self, team: &str) -> Option<String> {
        self.home
            .as_ref()
            .filter(|(t, _)| t == team)
            .map(|(_, e)| e.clone())
    }
}

/// A running Socket Mode connection; [`Socket::stop`] closes it.
pub struct Socket {
    stop: Box<dyn FnOnce() -> futures::future::BoxFuture<'static, ()> + Send>,
}

impl Socket {
    pub async fn stop(self) {
        (self.stop)().await
    }
}

/// Connects with the app-level token and serves until stopped.
pub async fn start(slack: Arc<Slack>, app_token: SecretString) -> Result<Socket, String> {
    let api = slack.single_workspace().clone();
    let home = match api.post("auth.test", &json!({}), Resend::Safe).await {
        Ok(me) => me["team_id"]
            .as_str()
            .zip(me["enterprise_id"].as_str().filter(|e| !e.is_empty()))
            .map(|(t, e)| (t.to_string(), e.to_string())),
        Err(error) => {
            tracing::warn!(%error, "auth.test failed; enterprise ids of Socket Mode commands unknown");
            None
        }
    };
    let state = Arc::new(State {
        slack: slack.clone(),
        home,
    });
    let token = SlackApiToken::new(SlackApiTokenValue::new(
        app_token.expose_secret().to_string(),
    ));
    let (https_state, https_token) = (state.clone(), token.clone());
    let connect = api.with_client(
        move |client| -> Connecting { Box::pin(listen(client, https_state, https_token)) },
        move |client| -> Connecting { Box::pin(listen(client, state, token)) },
    );
    connect.await
}

async fn listen<H>(
    client: Arc<SlackClient<SlackClientHyperConnector<H>>>,
    state: Arc<State>,
    token: SlackApiToken,
) -> Result<Socket, String>
where
    H: 'static + Send + Sync + Clone + Connect,
    SlackClientHyperConnector<H>:
        SlackSocketModeClientsManagerFactory<SlackClientHyperConnector<H>>,
{
    let environment = Arc::new(
        SlackClientEventsListenerEnvironment::new(client)
            .with_error_handler(on_error)
            .with_user_state(state),
    );
    let callbacks = SlackSocketModeListenerCallbacks::new()
        .with_command_events(on_command)
        .with_interaction_events(on_interaction)
        .with_push_events(on_push);
    let listener = SlackClientSocketModeListener::new(
        &SlackClientSocketModeConfig::new(),
        environment,
        callbacks,
    );
    listener
        .listen_for(&token)
        .await
        .map_err(|_| "Socket Mode: could not register SLACK_APP_TOKEN".to_string())?;
    listener.start().await;
    tracing::info!("Slack Socket Mode started");
    Ok(Socket {
        stop: Box::new(move || Box::pin(async move { listener.shutdown().await })),
    })
}

async fn state_of(states: &SlackClientEventsUserState) -> Option<Arc<State>> {
    states.read().await.get_user_state::<Arc<State>>().cloned()
}

/// Logs a listener error by kind only: its text can carry connection URLs and payloads.
fn on_error<SCHC: SlackClientHttpConnector + Send + Sync>(
    error: BoxError,
    _: Arc<SlackClient<SCHC>>,
    _: SlackClientEventsUserState,
) -> HttpStatusCode {
    let kind = match error.downcast_ref::<slack_morphism::errors::SlackClientError>() {
        Some(slack_morphism::errors::SlackClientError::ProtocolError(_)) => "unreadable envelope",
        Some(slack_morphism::errors::SlackClientError::SocketModeProtocolError(_)) => {
            "socket protocol error"
        }
        Some(_) => "client error",
        None => "other error",
    };
    tracing::warn!(kind, "Slack Socket Mode listener error");
    // Acknowledge: a redelivered envelope would fail the same way.
    HttpStatusCode::OK
}

async fn on_command<SCHC: SlackClientHttpConnector + Send + Sync>(
    event: SlackCommandEvent,
    _: Arc<SlackClient<SCHC>>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<SlackCommandEventResponse> {
    let Some(state) = state_of(&states).await else {
        return Err("Socket Mode state missing".into());
    };
    let team = event.team_id.value().clone();
    let command = SlashCommand {
        origin: Origin {
            enterprise: state.enterprise_of(&team),
            team,
            user: event.user_id.value().clone(),
            channel: event.channel_id.value().clone(),
        },
        command: event.command.value().clone(),
        text: event.text.clone().unwrap_or_default(),
        response_url: Some(event.response_url.value().to_string()),
        trigger_id: Some(event.trigger_id.value().clone()),
    };
    let body = match commands::handle(&state.slack, command).await {
        Ack::Message(body) => body,
        Ack::Empty => json!({"response_type": "ephemeral", "text": "Working on it…"}),
    };
    Ok(command_response(body))
}

/// The typed response for a message body (text only, should its blocks not fit the types).
pub fn command_response(body: Value) -> SlackCommandEventResponse {
    let text = body["text"].as_str().unwrap_or_default().to_string();
    serde_json::from_value(body).unwrap_or_else(|_| {
        SlackCommandEventResponse::new(SlackMessageContent::new().with_text(text))
            .with_response_type(SlackMessageResponseType::Ephemeral)
    })
}

async fn on_interaction<SCHC: SlackClientHttpConnector + Send + Sync>(
    event: SlackInteractionEvent,
    _: Arc<SlackClient<SCHC>>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<SlackInteractionResponse> {
    let Some(state) = state_of(&states).await else {
        return Err("Socket Mode state missing".into());
    };
    let mut payload = serde_json::to_value(&event)?;
    if let Some(team) = payload["team"]["id"].as_str().map(str::to_string) {
        if let Some(enterprise) = state.enterprise_of(&team) {
            payload["enterprise"] = json!({"id": enterprise});
        }
    }
    Ok(match interact::handle(&state.slack, payload).await {
        Some(body) => serde_json::from_value::<SlackViewSubmissionResponse>(body)
            .map(SlackInteractionResponse::ViewSubmission)
            .unwrap_or(SlackInteractionResponse::Empty),
        None => SlackInteractionResponse::Empty,
    })
}

async fn on_push<SCHC: SlackClientHttpConnector + Send + Sync>(
    event: SlackPushEventCallback,
    _: Arc<SlackClient<SCHC>>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    let Some(state) = state_of(&states).await else {
        return Err("Socket Mode state missing".into());
    };
    let mut envelope = serde_json::to_value(&event)?;
    envelope["type"] = json!("event_callback");
    if envelope["enterprise_id"].is_null() {
        if let Some(enterprise) = envelope["team_id"]
            .as_str()
            .and_then(|t| state.enterprise_of(t))
        {
            envelope["enterprise_id"] = json!(enterprise);
        }
    }
    events::handle(&state.slack, envelope).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::{t, Reply};

    #[test]
    fn answers_survive_slack_morphisms_types() {
        let reply = Reply::new()
            .heading("Acme")
            .para(vec![t("ARR $50,000")])
            .fields(vec![("Owner".into(), vec![t("jane")])]);
        let body = commands::payloads(&reply, Some("/account show Acme"), false).remove(0);
        let typed = serde_json::to_value(command_response(body.clone())).expect("serialises");
        assert_eq!(
            typed["blocks"], body["blocks"],
            "blocks and the share button kept"
        );
        assert_eq!(typed["response_type"], "ephemeral");
        let update = json!({"response_action": "update", "view": {"type": "modal", "title": {"type": "plain_text", "text": "Account added"},
            "close": {"type": "plain_text", "text": "Done"}, "blocks": body["blocks"]}});
        let typed = serde_json::from_value::<SlackViewSubmissionResponse>(update.clone())
            .expect("a modal update");
        assert_eq!(
            serde_json::to_value(typed).expect("serialises")["view"]["blocks"],
            update["view"]["blocks"]
        );
    }
}
