using System.Net;

namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// Wraps Grpc.Net.Client's request content so that the body stream it writes to is a
/// <see cref="CoalescingStream"/>. Headers are Grpc.Net.Client's own; the body bytes are unchanged,
/// only how they are cut into HTTP/2 DATA frames differs.
/// </summary>
internal sealed class CoalescingContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly CoalescingOptions _options;
    private readonly CoalescingCounters _counters;
    private readonly BulkRouteTicket? _bulk;
    private readonly CancellationTokenSource _abandoned = new();
    private int _serialized;

    public CoalescingContent(HttpContent inner, CoalescingOptions options, CoalescingCounters counters, BulkRouteTicket? bulk = null)
    {
        _inner = inner;
        _options = options;
        _counters = counters;
        _bulk = bulk;
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // SocketsHttpHandler sends a request again when the server refuses its stream (REFUSED_STREAM, e.g. beyond
        // the server's streams per connection). The points went to the first attempt and cannot be replayed: a
        // second body would be empty and the server would answer with the summary of an empty route. Fail instead,
        // with an IOException, which Grpc.Net.Client reports as Unavailable: a refused stream was never processed,
        // so the caller may retry the call.
        if (Interlocked.Exchange(ref _serialized, 1) != 0)
        {
            throw new IOException("The server refused the RecordRoute stream (REFUSED_STREAM) after its points were given to it; they cannot be sent again.");
        }

        var body = new CoalescingStream(stream, _options, _counters, _bulk, _abandoned.Token);
        await using (body.ConfigureAwait(false))
        {
            try
            {
                _bulk?.PublishBody(body);

                // Returns when Grpc.Net.Client's writer completes the request stream (or the call ends).
                await _inner.CopyToAsync(body, context, cancellationToken).ConfigureAwait(false);
                await body.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _bulk?.CloseBody();
            }
        }
    }

    /// <summary>
    /// Stops sending the body: the call's response has ended first (a trailers-only status), so nothing more
    /// of the request can matter. SocketsHttpHandler can leave a send of the body waiting for flow-control
    /// credit after such a response, and the call's own token is no longer cancelled once the call is over.
    /// </summary>
    public void AbandonBody()
    {
        try
        {
            _abandoned.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The request is already disposed: nothing is being sent.
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _abandoned.Dispose();
        }

        base.Dispose(disposing);
    }
}
