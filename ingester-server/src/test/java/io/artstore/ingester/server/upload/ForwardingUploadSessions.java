package io.artstore.ingester.server.upload;

import io.artstore.ingester.core.port.out.UploadSessions;
import io.artstore.ingester.core.upload.UploadId;
import io.artstore.ingester.core.upload.UploadSession;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Upload sessions that pass every call on to others: a test overrides the calls it watches. */
class ForwardingUploadSessions implements UploadSessions {

    private final UploadSessions sessions;

    ForwardingUploadSessions(UploadSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public boolean create(UploadSession session) {
        return sessions.create(session);
    }

    @Override
    public Optional<UploadSession> find(UploadId id) {
        return sessions.find(id);
    }

    @Override
    public boolean replace(UploadSession next) {
        return sessions.replace(next);
    }

    @Override
    public boolean replaceLease(UploadSession next) {
        return sessions.replaceLease(next);
    }

    @Override
    public boolean remove(UploadId id, long revision) {
        return sessions.remove(id, revision);
    }

    @Override
    public List<UploadSession> expiredAt(Instant now, int limit) {
        return sessions.expiredAt(now, limit);
    }

    @Override
    public List<UploadSession> list(int limit) {
        return sessions.list(limit);
    }
}
