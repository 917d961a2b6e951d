//! A [`MetaStore`] whose writes can be made to fail on demand, so tests (and the daemon's
//! fault-injection mode) can show that a state change meta did not store is never
//! acknowledged. Reads always pass through.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::{GroupMeta, GroupOffset, MetaError, MetaStore, Result, TopicMeta, UserCredential};

pub struct FaultMeta {
    inner: Arc<dyn MetaStore>,
    failing: AtomicBool,
}

impl FaultMeta {
    pub fn new(inner: Arc<dyn MetaStore>) -> FaultMeta {
        FaultMeta {
            inner,
            failing: AtomicBool::new(false),
        }
    }

    /// From now on every write fails (`true`) or works again (`false`).
    pub fn fail_writes(&self, on: bool) {
        self.failing.store(on, Ordering::SeqCst);
    }

    fn write(&self) -> Result<()> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(MetaError::Storage("injected write failure".into()));
        }
        Ok(())
    }
}

impl MetaStore for FaultMeta {
    fn create_topic(&self, topic: &TopicMeta) -> Result<()> {
        self.write()?;
        self.inner.create_topic(topic)
    }
    fn update_topic(&self, topic: &TopicMeta) -> Result<()> {
        self.write()?;
        self.inner.update_topic(topic)
    }
    fn delete_topic(&self, name: &str) -> Result<()> {
        self.write()?;
        self.inner.delete_topic(name)
    }
    fn topic(&self, name: &str) -> Result<Option<TopicMeta>> {
        self.inner.topic(name)
    }
    fn topics(&self) -> Result<Vec<TopicMeta>> {
        self.inner.topics()
    }
    fn commit_offsets(&self, group: &str, offsets: &[GroupOffset]) -> Result<()> {
        self.write()?;
        self.inner.commit_offsets(group, offsets)
    }
    fn committed_offsets(&self, group: &str) -> Result<Vec<GroupOffset>> {
        self.inner.committed_offsets(group)
    }
    fn delete_offsets(&self, group: &str, partitions: &[(String, i32)]) -> Result<()> {
        self.write()?;
        self.inner.delete_offsets(group, partitions)
    }
    fn put_group(&self, group: &GroupMeta) -> Result<()> {
        self.write()?;
        self.inner.put_group(group)
    }
    fn put_group_if_newer(&self, group: &GroupMeta) -> Result<bool> {
        self.write()?;
        self.inner.put_group_if_newer(group)
    }
    fn groups(&self) -> Result<Vec<GroupMeta>> {
        self.inner.groups()
    }
    fn delete_group(&self, name: &str) -> Result<()> {
        self.write()?;
        self.inner.delete_group(name)
    }
    fn group_names(&self) -> Result<Vec<String>> {
        self.inner.group_names()
    }
    fn put_user(&self, user: &UserCredential) -> Result<bool> {
        self.write()?;
        self.inner.put_user(user)
    }
    fn user(&self, name: &str) -> Result<Option<UserCredential>> {
        self.inner.user(name)
    }
    fn users(&self) -> Result<Vec<UserCredential>> {
        self.inner.users()
    }
    fn delete_user(&self, name: &str) -> Result<bool> {
        self.write()?;
        self.inner.delete_user(name)
    }
    fn put_entry(&self, namespace: &str, key: &str, value: &[u8], sync: bool) -> Result<()> {
        self.write()?;
        self.inner.put_entry(namespace, key, value, sync)
    }
    fn delete_entry(&self, namespace: &str, key: &str) -> Result<()> {
        self.write()?;
        self.inner.delete_entry(namespace, key)
    }
    fn write_entries(
        &self,
        namespace: &str,
        changes: &[(&str, Option<&[u8]>)],
        sync: bool,
    ) -> Result<()> {
        self.write()?;
        self.inner.write_entries(namespace, changes, sync)
    }
    fn entries(&self, namespace: &str) -> Result<Vec<(String, Vec<u8>)>> {
        self.inner.entries(namespace)
    }
    fn next_producer_id(&self) -> Result<i64> {
        self.write()?;
        self.inner.next_producer_id()
    }
}
