//! Users: list, create or change password, delete.

use std::sync::Arc;

use robustmq_api::admin::*;
use robustmq_broker::users::Users;

use super::{blocking, status, AdminService};

impl AdminService {
    pub(super) async fn list_users(&self) -> Result<ListUsersResponse, tonic::Status> {
        let broker = Arc::clone(&self.broker);
        blocking(move || {
            let users = Users(broker.meta.as_ref()).list().map_err(status)?;
            Ok(ListUsersResponse {
                users: users
                    .into_iter()
                    .map(|u| User {
                        name: u.name,
                        mechanism: u.mechanism,
                        iterations: u.iterations,
                    })
                    .collect(),
            })
        })
        .await
    }

    pub(super) async fn upsert_user(
        &self,
        req: UpsertUserRequest,
    ) -> Result<UpsertUserResponse, tonic::Status> {
        let broker = Arc::clone(&self.broker);
        blocking(move || {
            let created = Users(broker.meta.as_ref())
                .upsert(&req.name, &req.password)
                .map_err(status)?;
            tracing::info!(user = %req.name, created, "user saved");
            Ok(UpsertUserResponse { created })
        })
        .await
    }

    pub(super) async fn delete_user(&self, name: String) -> Result<(), tonic::Status> {
        let broker = Arc::clone(&self.broker);
        blocking(move || {
            Users(broker.meta.as_ref()).delete(&name).map_err(status)?;
            tracing::info!(user = %name, "user deleted");
            Ok(())
        })
        .await
    }
}
