using Grpc.Core;
using Grpc.Net.Client;
using RouteGuide.Core.Protocol;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// The handshake that lets <c>RecordRouteAsync</c> frame points in bulk into one call's request body
/// while the call itself stays Grpc.Net.Client's: the call is started with a ticket in scope, the
/// channel's <see cref="CoalescingHandler"/> attaches the ticket to that call's request when it sends
/// it, and the writer commits to bulk writes at the first point after that, if every check passed.
/// Until then (and for good on a channel without the handler) points go through Grpc.Net.Client's
/// writer, untouched.
/// </summary>
/// <remarks>
/// <para>
/// The ticket travels in an <see cref="AsyncLocal{T}"/> set only while the call is being started, so
/// only the request that Grpc.Net.Client sends for that call can see it (Grpc.Net.Client may send it a
/// little later, after picking a connection: the value flows with the call's execution context). Bulk
/// writes require that the handler attached the ticket, that the call's request stream is Grpc.Net.Client's
/// own writer (not an interceptor's wrapper, and not the retrying writer of a channel with a retry or
/// hedging policy, which must be able to replay messages), and that the call does not compress its
/// messages. The switch happens between two points, after Grpc.Net.Client's last write has completed;
/// from then on <c>RecordRouteAsync</c> never writes through the request stream (it only completes
/// it), so the bulk writer and Grpc.Net.Client never write to the body at the same time; a
/// Grpc.Net.Client that wrote to a committed body anyway fails the call instead of mixing bytes.
/// </para>
/// </remarks>
internal sealed class BulkRouteTicket
{
    private const int Offered = 0;
    private const int Attached = 1;
    private const int Committed = 2;
    private const int Abandoned = 3;

    private const string NetClientWriterTypeName = "Grpc.Net.Client.Internal.HttpContentClientStreamWriter`2";

    private static readonly AsyncLocal<BulkRouteTicket?> InScope = new();

    private readonly TaskCompletionSource<CoalescingStream> _body = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;
    private CoalescingCounters? _counters;

    private BulkRouteTicket()
    {
    }

    /// <summary>The ticket of the call being started on this flow, if any.</summary>
    public static BulkRouteTicket? Current => InScope.Value;

    /// <summary>The channel's send limit, from the handler that attached the ticket; <see langword="null"/> for none.</summary>
    public int? SendLimit { get; private set; }

    /// <summary>How long points may wait before they are sent, from the handler that attached the ticket.</summary>
    public TimeSpan FlushDelay { get; private set; }

    /// <summary>Whether the bulk writer owns the request body.</summary>
    public bool IsCommitted => Volatile.Read(ref _state) == Committed;

    /// <summary>The request body, once the HTTP handler asks for it.</summary>
    public Task<CoalescingStream> Body => _body.Task;

    /// <summary>Starts a call with a new ticket in scope.</summary>
    public static T Offer<T>(Func<T> startCall, out BulkRouteTicket ticket)
    {
        var previous = InScope.Value;
        ticket = new BulkRouteTicket();
        InScope.Value = ticket;
        try
        {
            return startCall();
        }
        finally
        {
            InScope.Value = previous;
        }
    }

    /// <summary>Called by the handler for a RecordRoute request that carries this ticket.</summary>
    /// <returns>Whether the request's body is to be shared with the bulk writer.</returns>
    /// <exception cref="InvalidOperationException">A second request for a call committed to the bulk path.</exception>
    public bool TryAttach(CoalescingHandler handler)
    {
        if (Volatile.Read(ref _state) == Offered)
        {
            // Written before the state changes, so that whoever sees the ticket attached sees them too
            // (another attempt of the same call can only come through the same channel: same values).
            SendLimit = handler.BulkSendLimit;
            FlushDelay = handler.Options.FlushDelay;
            _counters = handler.Counters;
            if (Interlocked.CompareExchange(ref _state, Attached, Offered) == Offered)
            {
                return true;
            }
        }

        // A second request for the same call: another attempt that Grpc.Net.Client started on its
        // own. Before commit, the call takes the standard path; after, the attempt would lack the
        // points already written, so it fails rather than send a partial route.
        if (Interlocked.CompareExchange(ref _state, Abandoned, Attached) == Attached || Volatile.Read(ref _state) == Abandoned)
        {
            return false;
        }

        throw new InvalidOperationException("RecordRoute was sent a second time after its points were written in bulk; the bulk path cannot replay them.");
    }

    /// <summary>
    /// The writer for this call's points: one that switches to bulk writes as soon as the channel's
    /// handler has attached the ticket, when the call allows bulk writes at all; Grpc.Net.Client's own
    /// writer otherwise (the ticket is then abandoned).
    /// </summary>
    public IPointWriter CreateWriter(IClientStreamWriter<Point> requestStream, CallOptions options, CancellationToken cancellationToken)
    {
        if (IsNetClientWriter(requestStream) && !RequestsCompression(options))
        {
            return new BulkPointWriter(requestStream, this, cancellationToken);
        }

        Interlocked.CompareExchange(ref _state, Abandoned, Offered);
        Interlocked.CompareExchange(ref _state, Abandoned, Attached);
        return new StreamPointWriter(requestStream);
    }

    /// <summary>
    /// Commits the call to bulk writes if the handler has attached the ticket (checked cheaply first).
    /// Called by the writer between points, never while a write of Grpc.Net.Client's is in progress.
    /// </summary>
    public bool TryCommit()
    {
        if (Volatile.Read(ref _state) == Attached && Interlocked.CompareExchange(ref _state, Committed, Attached) == Attached)
        {
            _counters?.CountBulkCall();
            return true;
        }

        return false;
    }

    /// <summary>Hands the request body to the bulk writer (called by the content when the body is opened).</summary>
    public void PublishBody(CoalescingStream body) => _body.TrySetResult(body);

    /// <summary>The request body is gone (sent or failed): a bulk writer still waiting for it stops.</summary>
    public void CloseBody() => _body.TrySetException(new IOException("The RecordRoute request body was closed before the points were written."));

    internal static bool IsNetClientWriter(IClientStreamWriter<Point> requestStream)
    {
        var type = requestStream.GetType();
        return type.IsGenericType
            && type.Assembly == typeof(GrpcChannel).Assembly
            && string.Equals(type.GetGenericTypeDefinition().FullName, NetClientWriterTypeName, StringComparison.Ordinal);
    }

    private static bool RequestsCompression(CallOptions options) =>
        options.Headers?.Any(entry => string.Equals(entry.Key, "grpc-internal-encoding-request", StringComparison.OrdinalIgnoreCase)) == true;
}
