//! The admin gRPC service (`robustmq.admin.v1.Admin`) over the broker core. One file per noun;
//! this one holds the service, the error mapping and the listener.

mod acls;
mod amqp;
mod cluster;
mod consume;
mod groups;
mod incoming;
mod live;
mod produce;
mod topics;
mod users;

use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::AtomicU32;
use std::sync::Arc;
use std::time::Instant;

use robustmq_api::admin::admin_server::{Admin, AdminServer};
use robustmq_api::admin::*;
use robustmq_broker::groups::GroupError;
use robustmq_broker::{Broker, BrokerError};
use tokio::sync::watch;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

/// What every admin call reads; shared by the service and the tasks behind its streams.
pub struct State {
    broker: Arc<Broker>,
    started: Instant,
    cluster_id: String,
    roles: Vec<String>,
    listeners: Vec<(String, String)>,
    data_dir: PathBuf,
    /// Round-robin partition for keyless records, advanced once per Produce call.
    sticky: AtomicU32,
    /// Fires at daemon shutdown so open Consume and Watch streams end.
    shutdown: watch::Receiver<bool>,
    /// The AMQP core, when this node runs AMQP.
    amqp: Option<Arc<robustmq_amqp::broker::AmqpCore>>,
}

/// The admin service; cloning it is cheap, so a stream's task can own one.
#[derive(Clone)]
pub struct AdminService(Arc<State>);

impl std::ops::Deref for AdminService {
    type Target = State;

    fn deref(&self) -> &State {
        &self.0
    }
}

impl AdminService {
    pub fn new(
        broker: Arc<Broker>,
        started: Instant,
        cluster_id: String,
        roles: Vec<String>,
        listeners: Vec<(String, String)>,
        data_dir: PathBuf,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        AdminService(Arc::new(State {
            broker,
            started,
            cluster_id,
            roles,
            listeners,
            data_dir,
            sticky: AtomicU32::new(0),
            shutdown,
            amqp: None,
        }))
    }

    /// Serves the AMQP nouns (vhost, exchange, queue, binding) from this core. Called once,
    /// right after [`AdminService::new`], while nothing else holds the state.
    pub fn with_amqp(mut self, amqp: Option<Arc<robustmq_amqp::broker::AmqpCore>>) -> Self {
        if let Some(state) = Arc::get_mut(&mut self.0) {
            state.amqp = amqp;
        }
        self
    }
}

fn status(e: BrokerError) -> Status {
    match e {
        BrokerError::TopicExists(_) => Status::already_exists(e.to_string()),
        BrokerError::UnknownTopic(_) | BrokerError::UnknownUser(_) => {
            Status::not_found(e.to_string())
        }
        BrokerError::InvalidTopic { .. }
        | BrokerError::InvalidPartitions(_)
        | BrokerError::InvalidConfig(_)
        | BrokerError::InvalidArgument(_) => Status::invalid_argument(e.to_string()),
        BrokerError::Meta(_) | BrokerError::Journal(_) => Status::internal(e.to_string()),
    }
}

fn group_status(group: &str, e: GroupError) -> Status {
    match e {
        GroupError::GroupIdNotFound => Status::not_found(format!("group '{group}' does not exist")),
        GroupError::InvalidGroupId => Status::invalid_argument("the group name must not be empty"),
        GroupError::NonEmptyGroup
        | GroupError::UnknownMemberId
        | GroupError::IllegalGeneration
        | GroupError::RebalanceInProgress => Status::failed_precondition(format!(
            "group '{group}' has active members; stop its consumers first"
        )),
        other => Status::internal(other.to_string()),
    }
}

/// Runs synchronous meta or journal work (synced RocksDB writes, directory walks) off the
/// runtime threads.
async fn blocking<T, F>(f: F) -> Result<T, Status>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, Status> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Status::internal(e.to_string()))?
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

#[tonic::async_trait]
impl Admin for AdminService {
    async fn cluster_status(
        &self,
        _: Request<ClusterStatusRequest>,
    ) -> Result<Response<ClusterStatusResponse>, Status> {
        Ok(Response::new(ClusterStatusResponse {
            cluster_id: self.cluster_id.clone(),
            nodes: vec![self.node_status().await],
        }))
    }

    async fn list_topics(
        &self,
        _: Request<ListTopicsRequest>,
    ) -> Result<Response<ListTopicsResponse>, Status> {
        Ok(Response::new(self.list_topics()))
    }

    async fn describe_topic(
        &self,
        req: Request<DescribeTopicRequest>,
    ) -> Result<Response<TopicDescription>, Status> {
        self.describe_topic(&req.into_inner().name)
            .map(Response::new)
    }

    async fn create_topic(
        &self,
        req: Request<CreateTopicRequest>,
    ) -> Result<Response<TopicDescription>, Status> {
        self.create_topic(req.into_inner()).await.map(Response::new)
    }

    async fn alter_topic_configs(
        &self,
        req: Request<AlterTopicConfigsRequest>,
    ) -> Result<Response<TopicDescription>, Status> {
        self.alter_topic_configs(req.into_inner())
            .await
            .map(Response::new)
    }

    async fn add_partitions(
        &self,
        req: Request<AddPartitionsRequest>,
    ) -> Result<Response<TopicDescription>, Status> {
        self.add_partitions(req.into_inner())
            .await
            .map(Response::new)
    }

    async fn delete_topic(
        &self,
        req: Request<DeleteTopicRequest>,
    ) -> Result<Response<DeleteTopicResponse>, Status> {
        self.delete_topic(req.into_inner().name).await?;
        Ok(Response::new(DeleteTopicResponse {}))
    }

    async fn list_groups(
        &self,
        _: Request<ListGroupsRequest>,
    ) -> Result<Response<ListGroupsResponse>, Status> {
        let groups = self.group_summaries().await?;
        Ok(Response::new(ListGroupsResponse { groups }))
    }

    async fn describe_group(
        &self,
        req: Request<DescribeGroupRequest>,
    ) -> Result<Response<GroupDescription>, Status> {
        self.describe_group(req.into_inner().name)
            .await
            .map(Response::new)
    }

    async fn reset_group_offsets(
        &self,
        req: Request<ResetGroupOffsetsRequest>,
    ) -> Result<Response<ResetGroupOffsetsResponse>, Status> {
        self.reset_group_offsets(req.into_inner())
            .await
            .map(Response::new)
    }

    async fn commit_offsets(
        &self,
        req: Request<CommitOffsetsRequest>,
    ) -> Result<Response<CommitOffsetsResponse>, Status> {
        self.commit_offsets(req.into_inner()).await?;
        Ok(Response::new(CommitOffsetsResponse {}))
    }

    async fn delete_group(
        &self,
        req: Request<DeleteGroupRequest>,
    ) -> Result<Response<DeleteGroupResponse>, Status> {
        self.delete_group(req.into_inner().name).await?;
        Ok(Response::new(DeleteGroupResponse {}))
    }

    async fn list_users(
        &self,
        _: Request<ListUsersRequest>,
    ) -> Result<Response<ListUsersResponse>, Status> {
        self.list_users().await.map(Response::new)
    }

    async fn upsert_user(
        &self,
        req: Request<UpsertUserRequest>,
    ) -> Result<Response<UpsertUserResponse>, Status> {
        self.upsert_user(req.into_inner()).await.map(Response::new)
    }

    async fn delete_user(
        &self,
        req: Request<DeleteUserRequest>,
    ) -> Result<Response<DeleteUserResponse>, Status> {
        self.delete_user(req.into_inner().name).await?;
        Ok(Response::new(DeleteUserResponse {}))
    }

    async fn list_acls(
        &self,
        req: Request<ListAclsRequest>,
    ) -> Result<Response<ListAclsResponse>, Status> {
        self.list_acls(req.into_inner()).await.map(Response::new)
    }

    async fn create_acls(
        &self,
        req: Request<CreateAclsRequest>,
    ) -> Result<Response<CreateAclsResponse>, Status> {
        self.create_acls(req.into_inner()).await.map(Response::new)
    }

    async fn delete_acls(
        &self,
        req: Request<DeleteAclsRequest>,
    ) -> Result<Response<DeleteAclsResponse>, Status> {
        self.delete_acls(req.into_inner()).await.map(Response::new)
    }

    async fn list_vhosts(
        &self,
        _: Request<ListVhostsRequest>,
    ) -> Result<Response<ListVhostsResponse>, Status> {
        self.list_vhosts().await.map(Response::new)
    }

    async fn create_vhost(
        &self,
        req: Request<CreateVhostRequest>,
    ) -> Result<Response<CreateVhostResponse>, Status> {
        self.create_vhost(req.into_inner().name)
            .await
            .map(Response::new)
    }

    async fn delete_vhost(
        &self,
        req: Request<DeleteVhostRequest>,
    ) -> Result<Response<DeleteVhostResponse>, Status> {
        self.delete_vhost(req.into_inner().name)
            .await
            .map(Response::new)
    }

    async fn list_exchanges(
        &self,
        req: Request<ListExchangesRequest>,
    ) -> Result<Response<ListExchangesResponse>, Status> {
        self.list_exchanges(req.into_inner().vhost)
            .await
            .map(Response::new)
    }

    async fn declare_exchange(
        &self,
        req: Request<DeclareExchangeRequest>,
    ) -> Result<Response<DeclareExchangeResponse>, Status> {
        self.declare_exchange(req.into_inner()).await?;
        Ok(Response::new(DeclareExchangeResponse {}))
    }

    async fn delete_exchange(
        &self,
        req: Request<DeleteExchangeRequest>,
    ) -> Result<Response<DeleteExchangeResponse>, Status> {
        self.delete_exchange(req.into_inner()).await?;
        Ok(Response::new(DeleteExchangeResponse {}))
    }

    async fn list_queues(
        &self,
        req: Request<ListQueuesRequest>,
    ) -> Result<Response<ListQueuesResponse>, Status> {
        self.list_queues(req.into_inner().vhost)
            .await
            .map(Response::new)
    }

    async fn declare_queue(
        &self,
        req: Request<DeclareQueueRequest>,
    ) -> Result<Response<DeclareQueueResponse>, Status> {
        let name = self.declare_queue(req.into_inner()).await?;
        Ok(Response::new(DeclareQueueResponse { name }))
    }

    async fn delete_queue(
        &self,
        req: Request<DeleteQueueRequest>,
    ) -> Result<Response<DeleteQueueResponse>, Status> {
        let messages = self.delete_queue(req.into_inner()).await?;
        Ok(Response::new(DeleteQueueResponse { messages }))
    }

    async fn purge_queue(
        &self,
        req: Request<PurgeQueueRequest>,
    ) -> Result<Response<PurgeQueueResponse>, Status> {
        let messages = self.purge_queue(req.into_inner()).await?;
        Ok(Response::new(PurgeQueueResponse { messages }))
    }

    async fn list_bindings(
        &self,
        req: Request<ListBindingsRequest>,
    ) -> Result<Response<ListBindingsResponse>, Status> {
        self.list_bindings(req.into_inner().vhost)
            .await
            .map(Response::new)
    }

    async fn create_binding(
        &self,
        req: Request<CreateBindingRequest>,
    ) -> Result<Response<CreateBindingResponse>, Status> {
        self.change_binding(req.into_inner().binding, true).await?;
        Ok(Response::new(CreateBindingResponse {}))
    }

    async fn delete_binding(
        &self,
        req: Request<DeleteBindingRequest>,
    ) -> Result<Response<DeleteBindingResponse>, Status> {
        self.change_binding(req.into_inner().binding, false).await?;
        Ok(Response::new(DeleteBindingResponse {}))
    }

    async fn produce(
        &self,
        req: Request<ProduceRequest>,
    ) -> Result<Response<ProduceResponse>, Status> {
        self.produce(req.into_inner()).await.map(Response::new)
    }

    type ConsumeStream = BoxStream<ConsumeResponse>;

    async fn consume(
        &self,
        req: Request<ConsumeRequest>,
    ) -> Result<Response<Self::ConsumeStream>, Status> {
        self.consume(req.into_inner()).map(Response::new)
    }

    type WatchStream = BoxStream<WatchSnapshot>;

    async fn watch(
        &self,
        req: Request<WatchRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        Ok(Response::new(self.watch(req.into_inner())))
    }
}

/// Serves the admin API until shutdown. With a token configured, every call must carry
/// `authorization: Bearer <token>`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    service: AdminService,
    token: Option<String>,
    (first_bytes, idle): (std::time::Duration, std::time::Duration),
    mut shutdown: watch::Receiver<bool>,
) {
    let check = move |req: Request<()>| -> Result<Request<()>, Status> {
        let Some(token) = &token else { return Ok(req) };
        let given = req
            .metadata()
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        if given == Some(format!("Bearer {token}").as_str()) {
            Ok(req)
        } else {
            tracing::warn!("admin call refused: missing or wrong bearer token");
            Err(Status::unauthenticated("a valid bearer token is required"))
        }
    };
    let mut accepted = incoming::accept(listener, first_bytes, idle);
    let incoming = futures::stream::poll_fn(move |cx| accepted.poll_recv(cx));
    let stop = async move {
        let _ = shutdown.changed().await;
    };
    // Pings at half the idle timeout: a live client answers them, so a quiet stream (a consume
    // that follows a topic nobody writes to) is never taken for an idle connection.
    let result = tonic::transport::Server::builder()
        .http2_keepalive_interval(Some(idle / 2))
        .add_service(AdminServer::with_interceptor(service, check))
        .serve_with_incoming_shutdown(incoming, stop)
        .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "admin listener failed");
    }
}
