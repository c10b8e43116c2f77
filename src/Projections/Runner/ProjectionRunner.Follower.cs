using PointsEngine.Store;

namespace PointsEngine.Projections.Runner;

public sealed partial class ProjectionRunner
{
    /// One projection's place in the log, its generation, and the callers waiting for it to move on.
    private sealed class Follower(IProjection projection) : IDisposable
    {
        private readonly Lock _lock = new();
        private readonly List<(LogPosition Position, TaskCompletionSource Done)> _waiters = [];
        private TablePrefix _prefix = new(projection.Name, 0);
        private LogPosition _position;

        public IProjection Projection => projection;
        public string Name => projection.Name;

        /// Held while a batch is applied, so a rebuild can switch generations between two batches.
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Generation { get { lock (_lock) return _prefix.Generation; } }
        public LogPosition Position { get { lock (_lock) return _position; } }

        public TablePrefix PrefixOf(int generation)
        {
            lock (_lock) return _prefix.Generation == generation ? _prefix : new TablePrefix(projection.Name, generation);
        }

        public void Follow(int generation, LogPosition position)
        {
            lock (_lock)
            {
                if (_prefix.Generation != generation) _prefix = new TablePrefix(projection.Name, generation);
                _position = position;
            }
            Release(position);
        }

        public void Advance(int generation, LogPosition position)
        {
            lock (_lock)
            {
                if (_prefix.Generation != generation) return;
                _position = position;
            }
            Release(position);
        }

        public Task WaitForAsync(LogPosition position, CancellationToken ct)
        {
            lock (_lock)
            {
                if (_position >= position) return Task.CompletedTask;
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((position, done));
                return done.Task.WaitAsync(ct);
            }
        }

        private void Release(LogPosition reached)
        {
            List<TaskCompletionSource> ready;
            lock (_lock)
            {
                ready = [.. _waiters.Where(w => w.Position <= reached).Select(w => w.Done)];
                _waiters.RemoveAll(w => w.Position <= reached);
            }
            foreach (var done in ready) done.TrySetResult();
        }

        public void Dispose() => Gate.Dispose();
    }
}
