//! Purpose: the interaction handlers, the same for the gateway and the HTTP endpoint — a
//! serenity `Interaction` in; the interaction callback out, plus the work that follows it
//! (follow-up messages, or the answer to a deferred command).
//!
//! A command runs through `App::execute`. If it answers within the deadline the callback
//! carries the answer (type 4); otherwise the callback defers (type 5) and the answer edits
//! the original response when it is ready. Answers are ephemeral (errors always are); one
//! longer than a message continues in ephemeral follow-ups. Read-only answers get a
//! 'Share in channel' button. An answer's pictures follow in one more message ([`pictures`]).

use futures::future::BoxFuture;
use reqwest::Method;
use serde_json::Value;
use serenity::model::application::{CommandInteraction, ComponentInteraction, Interaction};
use serenity::model::guild::Member as SerenityMember;
use serenity::model::id::{ChannelId, GuildId};
use serenity::model::user::User;
use std::sync::Arc;
use tokio::time::Instant;

use super::access::{self, Member};
use super::components::{self, Click};
use super::rest::{Resend, RestError};
use super::upload::Upload;
use super::{autocomplete, line, pictures, respond, Discord};
use crate::actions::Line;
use crate::app::Actor;
use crate::fault;
use crate::reply::Reply;

/// What an interaction is answered with.
pub struct Handled {
    /// The interaction callback body.
    pub callback: Value,
    /// Work after the callback has been delivered.
    pub after: Option<BoxFuture<'static, ()>>,
}

impl Handled {
    fn now(callback: Value) -> Handled {
        Handled {
            callback,
            after: None,
        }
    }
}

/// Handles one interaction. A panic while handling it (outside the command itself, which
/// catches its own) is answered with an apology naming the reference in the log; the work
/// after the callback is guarded alike, and only logged.
pub async fn handle(discord: &Arc<Discord>, interaction: Interaction) -> Handled {
    match fault::catch_async(
        "Discord interaction",
        fault::Changed::Maybe,
        handle_unguarded(discord, interaction),
    )
    .await
    {
        Ok(handled) => Handled {
            callback: handled.callback,
            after: handled.after.map(|after| -> BoxFuture<'static, ()> {
                Box::pin(async move {
                    let _ =
                        fault::catch_async("Discord follow-up", fault::Changed::Maybe, after).await;
                })
            }),
        },
        Err(fault) => Handled::now(respond::ephemeral_reply(&fault.reply())),
    }
}

async fn handle_unguarded(discord: &Arc<Discord>, interaction: Interaction) -> Handled {
    match interaction {
        Interaction::Ping(_) => Handled::now(respond::pong()),
        Interaction::Command(c) => command(discord, c).await,
        Interaction::Autocomplete(c) => Handled::now(autocomplete::answer(discord, &c).await),
        Interaction::Component(c) => component(discord, c).await,
        _ => Handled::now(respond::ephemeral_reply(&Reply::error(
            "Steward does not use this kind of interaction.",
        ))),
    }
}

/// The actor behind an interaction, or the reply refusing them. Commands are registered for
/// servers only; one arriving elsewhere is taken to `DISCORD_GUILD_ID` for its members.
pub async fn actor(
    discord: &Discord,
    guild: Option<GuildId>,
    member: Option<&SerenityMember>,
    user: &User,
    channel: ChannelId,
) -> Result<Actor, Reply> {
    let member = match (guild, member) {
        (Some(guild), Some(m)) => Member {
            guild: guild.get(),
            user: m.user.id.get(),
            roles: m.roles.iter().map(|r| r.get()).collect(),
            permissions: m.permissions.map(|p| p.bits()),
        },
        _ => dm_member(discord, user.id.get()).await?,
    };
    access::admit(discord, &member, channel.get().to_string()).await
}

/// The membership of `DISCORD_GUILD_ID` a direct message is answered under (DECISIONS 22).
pub async fn dm_member(discord: &Discord, user: u64) -> Result<Member, Reply> {
    let outside = || {
        Reply::error(
            "Steward's commands work inside a server: use them in a channel of your team's server.",
        )
    };
    let Some(guild) = discord.guild_id else {
        return Err(outside());
    };
    match access::member_of(discord, guild, user).await {
        Ok(Some(member)) => Ok(member),
        Ok(None) => Err(outside()),
        Err(error) => {
            tracing::warn!(%error, "could not check server membership for a direct message");
            Err(outside())
        }
    }
}

/// What a command runs as, and its line; or the refusal to answer with.
type Prepared = Result<(Actor, Line), Reply>;

/// A command: who may run it (which can take REST calls: a server's roles, a membership)
/// is decided inside the deadline's budget, so a slow look-up defers the answer (ephemeral,
/// like every command answer) instead of missing Discord's 3 s.
async fn command(discord: &Arc<Discord>, c: CommandInteraction) -> Handled {
    let started = Instant::now();
    if c.data.kind == serenity::model::application::CommandType::Message
        && c.data.name == crate::manifest::discord::LOG_COMMAND
    {
        let limit = match discord.deadline.is_zero() {
            true => super::INLINE_DEADLINE,
            false => discord.deadline,
        };
        let admitted = tokio::time::timeout(
            limit,
            actor(
                discord,
                c.guild_id,
                c.member.as_deref(),
                &c.user,
                c.channel_id,
            ),
        )
        .await;
        return Handled::now(match admitted {
            Ok(Ok(actor)) => super::capture::command(discord, &actor, &c),
            Ok(Err(refusal)) => respond::ephemeral_reply(&refusal),
            Err(_) => respond::ephemeral_reply(&Reply::error(
                "Steward could not check your access with Discord in time; please try again in a moment.",
            )),
        });
    }
    let how = Answering {
        application: c.application_id.get(),
        token: c.token.clone(),
        public: false,
        replace: false,
    };
    let admitting = discord.clone();
    let prepared = async move {
        let member = c.member.as_deref();
        let actor = actor(&admitting, c.guild_id, member, &c.user, c.channel_id).await?;
        let line = line::command_line(&c.data).map_err(Reply::error)?;
        Ok((actor, Line::new(line)))
    };
    run(discord, Box::pin(prepared), how, started).await
}

/// A click. Its answer may be public (a share) or replace the message, which a deferral
/// would commit to before a refusal is known: so who may click is decided first, within the
/// deadline, and a look-up slower than that is refused for now.
async fn component(discord: &Arc<Discord>, c: ComponentInteraction) -> Handled {
    let started = Instant::now();
    let limit = match discord.deadline.is_zero() {
        true => super::INLINE_DEADLINE,
        false => discord.deadline,
    };
    let member = c.member.as_ref();
    let admitted = tokio::time::timeout(
        limit,
        actor(discord, c.guild_id, member, &c.user, c.channel_id),
    )
    .await;
    let actor = match admitted {
        Ok(Ok(actor)) => actor,
        Ok(Err(refusal)) => return Handled::now(respond::ephemeral_reply(&refusal)),
        Err(_) => {
            let late = Reply::error("Steward could not check your access with Discord in time; please click again in a moment.");
            return Handled::now(respond::ephemeral_reply(&late));
        }
    };
    let application = c.application_id.get();
    if c.data.custom_id.starts_with("stw:log") {
        return Handled::now(
            super::capture::click(discord, actor, &c)
                .await
                .unwrap_or_else(|| {
                    respond::ephemeral_reply(&Reply::error(
                        "this button is no longer in use; use *Log to account* again.",
                    ))
                }),
        );
    }
    match components::click(&c.data.custom_id) {
        Click::Run {
            line,
            public,
            replace,
        } => {
            let how = Answering {
                application,
                token: c.token.clone(),
                public,
                replace,
            };
            let prepared: Prepared = Ok((actor, Line::new(line)));
            run(discord, Box::pin(async move { prepared }), how, started).await
        }
        // An owner's button pressed by anyone else is refused here, to the clicker alone.
        Click::Press {
            button,
            account,
            replace,
        } => match crate::actions::press(&discord.app, &actor, button, &account) {
            Err(refusal) => Handled::now(respond::ephemeral_reply(&refusal)),
            Ok(line) => {
                let how = Answering {
                    application,
                    token: c.token.clone(),
                    public: false,
                    replace,
                };
                let prepared: Prepared = Ok((actor, Line::new(line)));
                run(discord, Box::pin(async move { prepared }), how, started).await
            }
        },
        Click::Confirm {
            question,
            yes,
            custom_id,
        } => {
            let bodies = respond::bodies(
                &Reply::text(question),
                true,
                &[components::confirm_row(&yes, &custom_id)],
            );
            Handled::now(respond::callback(
                respond::CHANNEL_MESSAGE,
                bodies.into_iter().next().unwrap_or_default(),
            ))
        }
        Click::Unknown => Handled::now(respond::ephemeral_reply(&Reply::error(
            "this button is no longer in use; type the command instead.",
        ))),
    }
}

/// How an answer goes back.
struct Answering {
    application: u64,
    token: String,
    /// In the channel for everyone (a shared answer); otherwise ephemeral.
    public: bool,
    /// Replaces the clicked message (a confirmation) instead of adding one.
    replace: bool,
}

/// Prepares and runs a command line, and answers inline when that is done within the
/// deadline (counted from `started`), or defers. The work runs on the request's own task
/// until the deadline; a deferred answer's work goes on in the follow-up task.
async fn run(
    discord: &Arc<Discord>,
    prepared: BoxFuture<'static, Prepared>,
    how: Answering,
    started: Instant,
) -> Handled {
    let worker = discord.clone();
    let mut work: BoxFuture<'static, (Reply, Option<Line>)> = Box::pin(async move {
        let working = async move {
            match prepared.await {
                Ok((actor, line)) => (worker.execute(actor, &line).await, Some(line)),
                Err(refusal) => (refusal, None),
            }
        };
        fault::catch_async("Discord command", fault::Changed::Maybe, working)
            .await
            .unwrap_or_else(|fault| (fault.reply(), None))
    });
    // A zero deadline defers every command (the deferred path, deterministically).
    let left = discord.deadline.saturating_sub(started.elapsed());
    let inline = match left.is_zero() {
        true => None,
        false => tokio::time::timeout(left, &mut work).await.ok(),
    };
    match inline {
        Some((reply, line)) => {
            let (first, bodies) = answer_bodies(&reply, line.as_ref(), &how);
            let (kind, first) = match how.replace {
                true => (respond::UPDATE_MESSAGE, respond::without_flags(first)),
                false => (respond::CHANNEL_MESSAGE, first),
            };
            let after = (!bodies.is_empty() || !reply.pictures.is_empty())
                .then(|| rest_of_answer(discord.clone(), how, bodies, reply));
            Handled {
                callback: respond::callback(kind, first),
                after,
            }
        }
        None => {
            tracing::info!("command slower than the deadline; deferred");
            let callback = match how.replace {
                true => serde_json::json!({"type": respond::DEFERRED_UPDATE_MESSAGE}),
                false => respond::deferred(!how.public),
            };
            let discord = discord.clone();
            let after: BoxFuture<'static, ()> = Box::pin(async move {
                let (reply, line) = work.await;
                let (first, bodies) = answer_bodies(&reply, line.as_ref(), &how);
                let first = respond::without_flags(first);
                let path = format!(
                    "/webhooks/{}/{}/messages/@original",
                    how.application, how.token
                );
                if let Err(error) = webhook(&discord, Method::PATCH, &path, &first, &[]).await {
                    tracing::warn!(%error, "could not complete a deferred answer");
                    return;
                }
                rest_of_answer(discord, how, bodies, reply).await;
            });
            Handled {
                callback,
                after: Some(after),
            }
        }
    }
}

/// The answer's first message body and the rest (follow-ups); a share button under
/// ephemeral answers that only read.
fn answer_bodies(reply: &Reply, line: Option<&Line>, how: &Answering) -> (Value, Vec<Value>) {
    let mut rows = components::choice_rows(&reply.choices);
    if let Some(line) = line.filter(|_| !(how.public || reply.is_error())) {
        rows.extend(components::share_row(line));
    }
    let mut bodies = respond::bodies(reply, !how.public, &rows).into_iter();
    let first = bodies
        .next()
        .unwrap_or_else(|| serde_json::json!({"content": "Done."}));
    (first, bodies.collect())
}

/// What follows the answer's first message: the rest of its text as follow-ups, in order,
/// then its pictures — drawn only now, after the callback, and only when the text got out.
fn rest_of_answer(
    discord: Arc<Discord>,
    how: Answering,
    bodies: Vec<Value>,
    reply: Reply,
) -> BoxFuture<'static, ()> {
    Box::pin(async move {
        let path = format!("/webhooks/{}/{}", how.application, how.token);
        for (i, body) in bodies.iter().enumerate() {
            if let Err(error) = webhook(&discord, Method::POST, &path, body, &[]).await {
                tracing::warn!(%error, part = i + 1, "could not send a follow-up; the rest of the answer is dropped");
                return;
            }
        }
        let ephemeral = !how.public || reply.is_error();
        pictures::follow_up(
            &discord,
            how.application,
            &how.token,
            &reply.pictures,
            ephemeral,
        )
        .await;
    })
}

/// An interaction-webhook call. Over HTTP the callback is our response body, and Discord may
/// not have taken it in when the first follow-up arrives: a `404` is tried again a few times.
pub(super) async fn webhook(
    discord: &Discord,
    method: Method,
    path: &str,
    body: &Value,
    files: &[Upload],
) -> Result<Value, RestError> {
    let mut tries = 0;
    loop {
        tries += 1;
        match discord
            .rest
            .send_files(method.clone(), path, body, files, Resend::OnlyRateLimits)
            .await
        {
            Err(error) if error.status() == Some(404) && tries < 3 => {
                tokio::time::sleep(
                    discord
                        .rest
                        .retry
                        .backoff
                        .max(std::time::Duration::from_millis(200))
                        * tries,
                )
                .await;
            }
            other => return other,
        }
    }
}
