using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace PointsEngine.Engine.Actors;

/// The member actors' mailbox (#17 memory). Akka's default for a persistent actor is a ConcurrentQueue whose
/// first segment (32 slots, about 1.1 KB) stays allocated for as long as the actor lives, empty or not: most
/// of a resident member's cost. A member has at most one delivery in flight (the dispatcher's rule), so a
/// linked queue under a lock is uncontended and holds nothing while empty. Deque-based, as the persistent
/// actor's stashes require (they put messages back at the front).
public sealed class MemberMailbox(Akka.Actor.Settings settings, Config config)
    : MailboxType(settings, config), IProducesMessageQueue<LinkedMessageQueue>
{
    /// The configuration path the member actors' Props name.
    public const string Id = "pointsengine.member-mailbox";

    public static Config Configuration { get; } = ConfigurationFactory.ParseString(
        $$"""{{Id}}.mailbox-type = "{{typeof(MemberMailbox).AssemblyQualifiedName}}" """);

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new LinkedMessageQueue();
}

/// An unbounded deque of envelopes as a singly linked list: one small node per waiting message, nothing
/// once they are processed.
public sealed class LinkedMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    private sealed class Node(Envelope envelope, Node? next)
    {
        public readonly Envelope Envelope = envelope;
        public Node? Next = next;
    }

    // The queue locks itself: a Lock object would cost 40 bytes more per actor, and nothing else sees it.
    private Node? _head;
    private Node? _tail;
    private int _count;

    public bool HasMessages => Volatile.Read(ref _count) > 0;

    public int Count => Volatile.Read(ref _count);

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        var node = new Node(envelope, null);
        lock (this)
        {
            if (_tail is null) _head = node;
            else _tail.Next = node;
            _tail = node;
            _count++;
        }
    }

    public void EnqueueFirst(Envelope envelope)
    {
        lock (this)
        {
            _head = new Node(envelope, _head);
            _tail ??= _head;
            _count++;
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (this)
        {
            if (_head is not { } first)
            {
                envelope = default;
                return false;
            }
            _head = first.Next;
            if (_head is null) _tail = null;
            _count--;
            envelope = first.Envelope;
            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
    }
}
