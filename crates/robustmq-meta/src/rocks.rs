//! [`MetaStore`] on RocksDB. Every write is synced: metadata changes are rare and must survive a
//! crash the moment they are acknowledged.

use std::path::Path;
use std::sync::Mutex;

use rocksdb::{Direction, IteratorMode, WriteBatch, WriteOptions, DB};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{
    CommittedOffset, GroupMeta, GroupOffset, MetaError, MetaStore, Result, TopicMeta,
    UserCredential,
};

const TOPIC: &str = "topic/";
const OFFSET: &str = "offset/";
const GROUP: &str = "group/";
const USER: &str = "user/";
const PRODUCER_ID: &[u8] = b"seq/producer_id";

pub struct RocksMeta {
    db: DB,
    /// Serialises read-modify-write sequences (topic creation, the producer id counter).
    write_lock: Mutex<()>,
}

/// A raw key and value from a prefix scan.
type KeyValue = (Box<[u8]>, Box<[u8]>);

fn storage(e: rocksdb::Error) -> MetaError {
    MetaError::Storage(e.into_string())
}

/// Offsets live under `offset/<group>\0<topic>\0<partition>` so one group is one prefix scan.
fn offset_key(group: &str, topic: &str, partition: i32) -> Vec<u8> {
    format!("{OFFSET}{group}\0{topic}\0{partition}").into_bytes()
}
fn group_offsets_prefix(group: &str) -> Vec<u8> {
    format!("{OFFSET}{group}\0").into_bytes()
}

/// `entry/<namespace>\0<key>`: the NUL keeps one namespace from being a prefix of another.
fn entry_key(namespace: &str, key: &str) -> Vec<u8> {
    format!("entry/{namespace}\0{key}").into_bytes()
}

impl RocksMeta {
    pub fn open(path: &Path) -> Result<Self> {
        let mut opts = rocksdb::Options::default();
        opts.create_if_missing(true);
        opts.set_keep_log_file_num(4);
        let db = DB::open(&opts, path).map_err(storage)?;
        Ok(RocksMeta {
            db,
            write_lock: Mutex::new(()),
        })
    }

    /// Every write goes through here: one atomic batch, fsynced when `sync`. A synced write
    /// takes milliseconds, so on a runtime worker it first hands the worker's other tasks to
    /// another thread (see [`crate::off_worker`]).
    fn write(&self, batch: WriteBatch, sync: bool) -> Result<()> {
        let mut w = WriteOptions::default();
        w.set_sync(sync);
        crate::off_worker(|| self.db.write_opt(batch, &w)).map_err(storage)
    }

    fn put(&self, key: &[u8], value: &[u8], sync: bool) -> Result<()> {
        let mut batch = WriteBatch::default();
        batch.put(key, value);
        self.write(batch, sync)
    }

    fn delete(&self, key: &[u8]) -> Result<()> {
        let mut batch = WriteBatch::default();
        batch.delete(key);
        self.write(batch, true)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.write_lock.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn get_json<T: DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>> {
        match self.db.get(key).map_err(storage)? {
            None => Ok(None),
            Some(v) => serde_json::from_slice(&v)
                .map(Some)
                .map_err(|e| MetaError::Corrupt {
                    key: String::from_utf8_lossy(key).into_owned(),
                    reason: e.to_string(),
                }),
        }
    }

    fn put_json<T: Serialize>(&self, key: &[u8], value: &T) -> Result<()> {
        let v = serde_json::to_vec(value).map_err(|e| MetaError::Storage(e.to_string()))?;
        self.put(key, &v, true)
    }

    /// Every (key, value) under a prefix.
    fn scan(&self, prefix: &[u8]) -> Result<Vec<KeyValue>> {
        let mut out = Vec::new();
        for item in self
            .db
            .iterator(IteratorMode::From(prefix, Direction::Forward))
        {
            let (k, v) = item.map_err(storage)?;
            if !k.starts_with(prefix) {
                break;
            }
            out.push((k, v));
        }
        Ok(out)
    }

    fn decode<T: DeserializeOwned>(k: &[u8], v: &[u8]) -> Result<T> {
        serde_json::from_slice(v).map_err(|e| MetaError::Corrupt {
            key: String::from_utf8_lossy(k).into_owned(),
            reason: e.to_string(),
        })
    }
}

impl MetaStore for RocksMeta {
    fn create_topic(&self, topic: &TopicMeta) -> Result<()> {
        let _g = self.lock();
        let key = format!("{TOPIC}{}", topic.name);
        if self.db.get(key.as_bytes()).map_err(storage)?.is_some() {
            return Err(MetaError::TopicExists(topic.name.clone()));
        }
        self.put_json(key.as_bytes(), topic)
    }

    fn update_topic(&self, topic: &TopicMeta) -> Result<()> {
        let _g = self.lock();
        let key = format!("{TOPIC}{}", topic.name);
        if self.db.get(key.as_bytes()).map_err(storage)?.is_none() {
            return Err(MetaError::UnknownTopic(topic.name.clone()));
        }
        self.put_json(key.as_bytes(), topic)
    }

    fn delete_topic(&self, name: &str) -> Result<()> {
        let _g = self.lock();
        let key = format!("{TOPIC}{name}");
        if self.db.get(key.as_bytes()).map_err(storage)?.is_none() {
            return Err(MetaError::UnknownTopic(name.to_string()));
        }
        let mut batch = WriteBatch::default();
        batch.delete(key.as_bytes());
        let needle = format!("\0{name}\0");
        for (k, _) in self.scan(OFFSET.as_bytes())? {
            if let Some(rest) = k.strip_prefix(OFFSET.as_bytes()) {
                if String::from_utf8_lossy(rest).contains(&needle) {
                    batch.delete(&k);
                }
            }
        }
        self.write(batch, true)
    }

    fn topic(&self, name: &str) -> Result<Option<TopicMeta>> {
        self.get_json(format!("{TOPIC}{name}").as_bytes())
    }

    fn topics(&self) -> Result<Vec<TopicMeta>> {
        self.scan(TOPIC.as_bytes())?
            .iter()
            .map(|(k, v)| Self::decode(k, v))
            .collect()
    }

    fn commit_offsets(&self, group: &str, offsets: &[GroupOffset]) -> Result<()> {
        let mut batch = WriteBatch::default();
        for (topic, partition, committed) in offsets {
            let v = serde_json::to_vec(committed).map_err(|e| MetaError::Storage(e.to_string()))?;
            batch.put(offset_key(group, topic, *partition), v);
        }
        self.write(batch, true)
    }

    fn committed_offsets(&self, group: &str) -> Result<Vec<GroupOffset>> {
        let prefix = group_offsets_prefix(group);
        let mut out = Vec::new();
        for (k, v) in self.scan(&prefix)? {
            let rest = String::from_utf8_lossy(&k[prefix.len()..]).into_owned();
            let Some((topic, partition)) = rest.rsplit_once('\0') else {
                continue;
            };
            let Ok(partition) = partition.parse::<i32>() else {
                continue;
            };
            let committed: CommittedOffset = Self::decode(&k, &v)?;
            out.push((topic.to_string(), partition, committed));
        }
        Ok(out)
    }

    fn delete_offsets(&self, group: &str, partitions: &[(String, i32)]) -> Result<()> {
        let mut batch = WriteBatch::default();
        for (topic, partition) in partitions {
            batch.delete(offset_key(group, topic, *partition));
        }
        self.write(batch, true)
    }

    fn put_group(&self, group: &GroupMeta) -> Result<()> {
        self.put_json(format!("{GROUP}{}", group.name).as_bytes(), group)
    }

    fn put_group_if_newer(&self, group: &GroupMeta) -> Result<bool> {
        let key = format!("{GROUP}{}", group.name);
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let stored: Option<GroupMeta> = self.get_json(key.as_bytes())?;
        if stored.is_some_and(|s| s.generation > group.generation) {
            return Ok(false);
        }
        self.put_json(key.as_bytes(), group)?;
        Ok(true)
    }

    fn groups(&self) -> Result<Vec<GroupMeta>> {
        self.scan(GROUP.as_bytes())?
            .iter()
            .map(|(k, v)| Self::decode(k, v))
            .collect()
    }

    fn delete_group(&self, name: &str) -> Result<()> {
        let mut batch = WriteBatch::default();
        batch.delete(format!("{GROUP}{name}").as_bytes());
        for (k, _) in self.scan(&group_offsets_prefix(name))? {
            batch.delete(&k);
        }
        self.write(batch, true)
    }

    fn group_names(&self) -> Result<Vec<String>> {
        let mut names: Vec<String> = self.groups()?.into_iter().map(|g| g.name).collect();
        for (k, _) in self.scan(OFFSET.as_bytes())? {
            let rest = String::from_utf8_lossy(&k[OFFSET.len()..]).into_owned();
            if let Some((group, _)) = rest.split_once('\0') {
                names.push(group.to_string());
            }
        }
        names.sort();
        names.dedup();
        Ok(names)
    }

    fn put_user(&self, user: &UserCredential) -> Result<bool> {
        let _g = self.lock();
        let key = format!("{USER}{}", user.name);
        let existed = self.db.get(key.as_bytes()).map_err(storage)?.is_some();
        self.put_json(key.as_bytes(), user)?;
        Ok(!existed)
    }

    fn user(&self, name: &str) -> Result<Option<UserCredential>> {
        self.get_json(format!("{USER}{name}").as_bytes())
    }

    fn users(&self) -> Result<Vec<UserCredential>> {
        self.scan(USER.as_bytes())?
            .iter()
            .map(|(k, v)| Self::decode(k, v))
            .collect()
    }

    fn delete_user(&self, name: &str) -> Result<bool> {
        let _g = self.lock();
        let key = format!("{USER}{name}");
        if self.db.get(key.as_bytes()).map_err(storage)?.is_none() {
            return Ok(false);
        }
        self.delete(key.as_bytes())?;
        Ok(true)
    }

    fn put_entry(&self, namespace: &str, key: &str, value: &[u8], sync: bool) -> Result<()> {
        self.put(&entry_key(namespace, key), value, sync)
    }

    fn delete_entry(&self, namespace: &str, key: &str) -> Result<()> {
        self.delete(&entry_key(namespace, key))
    }

    fn write_entries(
        &self,
        namespace: &str,
        changes: &[(&str, Option<&[u8]>)],
        sync: bool,
    ) -> Result<()> {
        let mut batch = WriteBatch::default();
        for (key, value) in changes {
            match value {
                Some(v) => batch.put(entry_key(namespace, key), v),
                None => batch.delete(entry_key(namespace, key)),
            }
        }
        self.write(batch, sync)
    }

    fn entries(&self, namespace: &str) -> Result<Vec<(String, Vec<u8>)>> {
        let prefix = entry_key(namespace, "");
        Ok(self
            .scan(&prefix)?
            .into_iter()
            .map(|(k, v)| {
                let key = String::from_utf8_lossy(&k[prefix.len()..]).into_owned();
                (key, v.to_vec())
            })
            .collect())
    }

    fn next_producer_id(&self) -> Result<i64> {
        let _g = self.lock();
        let current: i64 = self.get_json(PRODUCER_ID)?.unwrap_or(999);
        let next = current + 1;
        self.put_json(PRODUCER_ID, &next)?;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(name: &str) -> TopicMeta {
        TopicMeta {
            name: name.into(),
            id: "id".into(),
            partitions: 3,
            configs: Default::default(),
            created_ms: 1,
        }
    }

    #[test]
    fn entries_are_kept_per_namespace_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let m = RocksMeta::open(dir.path()).unwrap();
            m.put_entry("mqtt.session", "b", b"2", false).unwrap();
            m.put_entry("mqtt.session", "a", b"1", true).unwrap();
            m.put_entry("mqtt.sessions", "a", b"other", true).unwrap();
            m.put_entry("mqtt.session", "c", b"3", true).unwrap();
            m.delete_entry("mqtt.session", "c").unwrap();
        }
        let m = RocksMeta::open(dir.path()).unwrap();
        assert_eq!(
            m.entries("mqtt.session").unwrap(),
            vec![
                ("a".to_string(), b"1".to_vec()),
                ("b".to_string(), b"2".to_vec())
            ]
        );
        assert_eq!(m.entries("mqtt.sessions").unwrap().len(), 1);
        assert!(m.entries("none").unwrap().is_empty());
    }

    #[test]
    fn write_entries_applies_puts_and_deletes_in_order() {
        let dir = tempfile::tempdir().unwrap();
        {
            let m = RocksMeta::open(dir.path()).unwrap();
            m.put_entry("r", "gone", b"0", true).unwrap();
            let changes: [(&str, Option<&[u8]>); 4] = [
                ("a", Some(b"1")),
                ("gone", None),
                ("a", Some(b"2")),
                ("b", Some(b"3")),
            ];
            m.write_entries("r", &changes, true).unwrap();
            m.write_entries("r", &[("b", None)], false).unwrap();
        }
        let m = RocksMeta::open(dir.path()).unwrap();
        assert_eq!(
            m.entries("r").unwrap(),
            vec![("a".to_string(), b"2".to_vec())]
        );
    }

    #[test]
    fn users_are_created_replaced_listed_and_deleted_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let user = |name: &str, salt: u8| UserCredential {
            name: name.into(),
            mechanism: "SCRAM-SHA-256".into(),
            iterations: 4096,
            salt: vec![salt],
            stored_key: vec![1],
            server_key: vec![2],
            sha512: None,
        };
        {
            let m = RocksMeta::open(dir.path()).unwrap();
            assert!(m.put_user(&user("alice", 1)).unwrap());
            assert!(!m.put_user(&user("alice", 2)).unwrap());
            assert!(m.put_user(&user("bob", 3)).unwrap());
            assert!(m.delete_user("bob").unwrap());
            assert!(!m.delete_user("bob").unwrap());
        }
        let m = RocksMeta::open(dir.path()).unwrap();
        assert_eq!(m.users().unwrap(), vec![user("alice", 2)]);
        assert_eq!(m.user("alice").unwrap(), Some(user("alice", 2)));
        assert_eq!(m.user("bob").unwrap(), None);
    }

    #[test]
    fn group_state_is_written_only_over_an_older_generation() {
        let dir = tempfile::tempdir().unwrap();
        let m = RocksMeta::open(dir.path()).unwrap();
        let state = |generation, protocol: &str| GroupMeta {
            name: "g".into(),
            protocol_type: "consumer".into(),
            protocol: protocol.into(),
            generation,
        };
        assert!(
            m.put_group_if_newer(&state(3, "range")).unwrap(),
            "nothing stored yet"
        );
        assert!(m.put_group_if_newer(&state(5, "range")).unwrap());
        assert!(!m.put_group_if_newer(&state(4, "sticky")).unwrap(), "older");
        assert!(
            m.put_group_if_newer(&state(5, "sticky")).unwrap(),
            "same generation"
        );
        assert_eq!(m.groups().unwrap(), vec![state(5, "sticky")]);
        m.delete_group("g").unwrap();
        assert!(
            m.put_group_if_newer(&state(1, "range")).unwrap(),
            "after a delete"
        );
    }

    #[test]
    fn topics_offsets_groups_and_ids_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let m = RocksMeta::open(dir.path()).unwrap();
            m.create_topic(&topic("a")).unwrap();
            m.create_topic(&topic("a-b")).unwrap();
            assert!(matches!(
                m.create_topic(&topic("a")),
                Err(MetaError::TopicExists(_))
            ));
            let c = CommittedOffset {
                offset: 7,
                leader_epoch: -1,
                metadata: "m".into(),
                commit_ms: 0,
            };
            m.commit_offsets(
                "g",
                &[("a".into(), 0, c.clone()), ("a-b".into(), 2, c.clone())],
            )
            .unwrap();
            m.commit_offsets("g2", &[("a".into(), 1, c)]).unwrap();
            assert_eq!(m.next_producer_id().unwrap(), 1000);
        }
        let m = RocksMeta::open(dir.path()).unwrap();
        assert_eq!(m.topics().unwrap().len(), 2);
        assert_eq!(m.committed_offsets("g").unwrap().len(), 2);
        assert_eq!(m.next_producer_id().unwrap(), 1001);
        m.delete_topic("a").unwrap();
        let left = m.committed_offsets("g").unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].0, "a-b");
        assert_eq!(m.group_names().unwrap(), vec!["g".to_string()]);
        m.delete_group("g").unwrap();
        assert!(m.committed_offsets("g").unwrap().is_empty());
    }
}
