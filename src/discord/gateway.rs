//! Purpose: gateway mode (`DISCORD_TOKEN`) — serenity's client (no framework) with an
//! event handler: `interaction_create` goes to the same handlers as the HTTP endpoint, its
//! callback sent to `/interactions/{id}/{token}/callback`; `message` answers prompts — a
//! mention of Steward in a server channel, or a direct message — with create-message, the
//! reply's pictures in one more message with the files.
//!
//! Intents: `GUILDS`, `GUILD_MESSAGES`, `DIRECT_MESSAGES`. Message content is delivered
//! without the privileged `MESSAGE_CONTENT` intent for messages that mention the app and for
//! DMs, which are the only messages Steward reads.
//!
//! serenity's own `Http` (used by the client for `/gateway`) is pointed at `DISCORD_API_URL`
//! when it is set, with its rate limiter off: the limiter ignores the redirected base
//! (upstream #1739). Steward's own calls go through [`super::rest`].

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serenity::all::{Context, EventHandler, GatewayIntents, Interaction, Message, Ready};
use serenity::client::ClientBuilder;
use serenity::gateway::ShardManager;
use serenity::http::HttpBuilder;
use serenity::model::id::ApplicationId;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::access::{self, Member};
use super::rest::Resend;
use super::{interactions, pictures, prompts, respond, Discord};
use crate::reply::Reply;

/// The default REST base, which serenity's limiter serves.
const DISCORD: &str = "https://discord.com";

/// The running gateway client.
pub struct Gateway {
    shards: Arc<ShardManager>,
    task: tokio::task::JoinHandle<()>,
}

impl Gateway {
    /// Closes the connection and waits for the client to end.
    pub async fn stop(self) {
        self.shards.shutdown_all().await;
        let _ = self.task.await;
    }
}

/// Connects to the gateway and handles events until [`Gateway::stop`].
pub async fn start(
    discord: Arc<Discord>,
    token: &SecretString,
    api_url: &str,
) -> Result<Gateway, String> {
    let mut http = HttpBuilder::new(token.expose_secret());
    if let Some(id) = discord.application_id.filter(|&id| id != 0) {
        http = http.application_id(ApplicationId::new(id));
    }
    let api_url = api_url.trim_end_matches('/');
    if api_url != DISCORD {
        http = http.proxy(api_url).ratelimiter_disabled(true);
    }
    let intents =
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    let handler = Handler {
        discord,
        me: AtomicU64::new(0),
    };
    let mut client = ClientBuilder::new_with_http(http.build(), intents)
        .event_handler(handler)
        .await
        .map_err(|e| format!("cannot start the Discord gateway client: {e}"))?;
    let shards = client.shard_manager.clone();
    let task = tokio::spawn(async move {
        if let Err(error) = client.start().await {
            tracing::error!(%error, "the Discord gateway client stopped");
        }
    });
    Ok(Gateway { shards, task })
}

struct Handler {
    discord: Arc<Discord>,
    /// Steward's own user id, from `READY`.
    me: AtomicU64,
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        self.me.store(ready.user.id.get(), Ordering::Relaxed);
        tracing::info!(
            guilds = ready.guilds.len(),
            "connected to the Discord gateway"
        );
    }

    async fn interaction_create(&self, _ctx: Context, interaction: Interaction) {
        let path = format!(
            "/interactions/{}/{}/callback",
            interaction.id(),
            interaction.token()
        );
        let handled = interactions::handle(&self.discord, interaction).await;
        match self
            .discord
            .rest
            .send(
                Method::POST,
                &path,
                Some(&handled.callback),
                Resend::OnlyRateLimits,
            )
            .await
        {
            Ok(_) => {
                if let Some(after) = handled.after {
                    after.await;
                }
            }
            Err(error) => tracing::warn!(%error, "could not answer an interaction"),
        }
    }

    async fn message(&self, _ctx: Context, message: Message) {
        if message.author.bot {
            return;
        }
        customer_channel(&self.discord, &message).await;
        let me = self.me.load(Ordering::Relaxed);
        let direct = message.guild_id.is_none();
        if !direct && !message.mentions.iter().any(|u| u.id.get() == me) {
            return;
        }
        let reply = match prompt_actor(&self.discord, &message).await {
            Ok(actor) => {
                prompts::answer(
                    &self.discord,
                    actor,
                    prompts::without_mention(&message.content, Some(me)),
                )
                .await
            }
            Err(refusal) => refusal,
        };
        let path = format!("/channels/{}/messages", message.channel_id);
        let choices = super::components::choice_rows(&reply.choices);
        for (i, mut body) in respond::bodies(&reply, false, &choices)
            .into_iter()
            .enumerate()
        {
            if let Some(flags) = body.as_object_mut() {
                flags.remove("flags");
            }
            if i == 0 {
                body["message_reference"] = serde_json::json!({"message_id": message.id.to_string(), "fail_if_not_exists": false});
                body["allowed_mentions"]["replied_user"] = serde_json::json!(false);
            }
            if let Err(error) = self
                .discord
                .rest
                .bot(Method::POST, &path, Some(&body), Resend::OnlyRateLimits)
                .await
            {
                tracing::warn!(%error, "could not answer a prompt");
                return;
            }
        }
        // The pictures after the text, drawn only now that the text is out.
        let channel = message.channel_id.to_string();
        if let Err(error) = pictures::post(&self.discord, &channel, &reply.pictures, None).await {
            tracing::warn!(%error, "could not send a prompt's pictures");
        }
    }
}

/// A server message in a linked customer channel, as metadata (DECISIONS 28): author, time,
/// the message it replies to as its thread — never the content, which Steward does not ask
/// for (no `MESSAGE_CONTENT` intent). Only plain messages and replies count: joins, pins and
/// other system messages do not, and edits arrive as `MESSAGE_UPDATE`, which is not read.
/// The author is the customer when they lack the team role (`STEWARD_DISCORD_ROLE`) or are
/// linked to a stakeholder. A re-delivery has the same message id and is stored once.
pub async fn customer_channel(discord: &Arc<Discord>, message: &Message) {
    use serenity::model::channel::MessageType;
    let Some(guild) = message.guild_id else {
        return;
    };
    if message.author.bot
        || !matches!(
            message.kind,
            MessageType::Regular | MessageType::InlineReply
        )
    {
        return;
    }
    let Some(tenant) = super::tenant(guild.get()) else {
        return;
    };
    let channel = message.channel_id.get().to_string();
    match crate::channels::is_linked(&discord.app, &tenant, &channel) {
        Ok(true) => {}
        Ok(false) => return,
        Err(error) => {
            tracing::warn!(%error, "could not read the book for a channel message");
            return;
        }
    }
    let member = Member {
        guild: guild.get(),
        user: message.author.id.get(),
        roles: message
            .member
            .as_ref()
            .map(|m| m.roles.iter().map(|r| r.get()).collect())
            .unwrap_or_default(),
        permissions: None,
    };
    let outsider = !access::is_team(discord, &member).await;
    let incoming = crate::channels::Incoming {
        channel,
        id: message.id.get().to_string(),
        thread: message
            .message_reference
            .as_ref()
            .and_then(|r| r.message_id)
            .map(|m| m.get().to_string()),
        author: message.author.id.get().to_string(),
        outsider,
        at: chrono::DateTime::from_timestamp(message.timestamp.unix_timestamp(), 0)
            .unwrap_or_else(|| discord.now()),
    };
    let (app, now) = (discord.app.clone(), discord.now());
    let stored =
        tokio::task::spawn_blocking(move || crate::channels::ingest(&app, &tenant, incoming, now))
            .await;
    match stored {
        Ok(Ok(ingested)) => tracing::trace!(?ingested, "channel message"),
        Ok(Err(error)) => tracing::error!(%error, "could not store a customer channel message"),
        Err(_) => tracing::error!("storing a customer channel message panicked"),
    }
}

/// The actor of a prompt: the member in a server, or the member of `DISCORD_GUILD_ID` in a DM.
async fn prompt_actor(discord: &Discord, message: &Message) -> Result<crate::app::Actor, Reply> {
    let member = match (message.guild_id, &message.member) {
        (Some(guild), Some(m)) => Member {
            guild: guild.get(),
            user: message.author.id.get(),
            roles: m.roles.iter().map(|r| r.get()).collect(),
            permissions: None,
        },
        (Some(guild), None) => access::member_of(discord, guild.get(), message.author.id.get())
            .await
            .ok()
            .flatten()
            .ok_or_else(|| Reply::error("I could not check your membership of this server."))?,
        (None, _) => interactions::dm_member(discord, message.author.id.get()).await?,
    };
    access::admit(discord, &member, message.channel_id.get().to_string()).await
}
