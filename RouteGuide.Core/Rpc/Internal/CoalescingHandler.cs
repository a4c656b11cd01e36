namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// The RecordRoute fast path: a handler in the channel's HTTP handler chain that gives RecordRoute
/// requests a <see cref="CoalescingContent"/>, so that the many small messages of a route travel in
/// few, full HTTP/2 DATA frames. Every other request passes through untouched, so calls where each
/// message should leave at once (RouteChat) keep Grpc.Net.Client's per-message flush.
/// </summary>
internal sealed class CoalescingHandler : DelegatingHandler
{
    /// <summary>The request path of RecordRoute (the channel address may add a prefix).</summary>
    public const string RecordRoutePath = "/routeguide.RouteGuide/RecordRoute";

    public CoalescingHandler(HttpMessageHandler innerHandler, CoalescingOptions? options = null)
        : base(innerHandler)
    {
        Options = options ?? CoalescingOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.BufferSize, 64, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.FlushDelay, TimeSpan.Zero, nameof(options));
    }

    public CoalescingOptions Options { get; }

    public CoalescingCounters Counters { get; } = new();

    /// <summary>
    /// Whether <c>RecordRouteAsync</c> may write points in bulk on this handler's calls: set by
    /// <c>RouteGuideChannel.ForAddress</c>, which knows the channel's send limit, for the handler it creates.
    /// </summary>
    public bool BulkWrites { get; private set; }

    /// <summary>The channel's <c>MaxSendMessageSize</c>, which bulk writes keep.</summary>
    public int? BulkSendLimit { get; private set; }

    private bool _bulkWritesRefused;

    /// <summary>Lets <c>RecordRouteAsync</c> write points in bulk, keeping <paramref name="sendLimit"/>, unless refused.</summary>
    public void AllowBulkWrites(int? sendLimit)
    {
        BulkSendLimit = sendLimit;
        BulkWrites = !_bulkWritesRefused;
    }

    /// <summary>Turns bulk writes off for good: every point goes through Grpc.Net.Client's writer (for A/B runs and tests).</summary>
    public void RefuseBulkWrites()
    {
        _bulkWritesRefused = true;
        BulkWrites = false;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content && IsRecordRoute(request.RequestUri))
        {
            Counters.CountWrappedRequest();
            var bulk = BulkWrites && BulkRouteTicket.Current is { } ticket && IsNetClientContent(content) && ticket.TryAttach(this)
                ? ticket
                : null;
            var coalescing = new CoalescingContent(content, Options, Counters, bulk);
            request.Content = coalescing;
            return SendRecordRouteAsync(request, coalescing, cancellationToken);
        }

        return base.SendAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendRecordRouteAsync(HttpRequestMessage request, CoalescingContent content, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Headers.Contains("grpc-status"))
        {
            // A trailers-only response (the server failed the call, e.g. a message over its limit): the call
            // is over while its body may still be sending, so stop the body rather than leave a send waiting.
            content.AbandonBody();
        }

        return response;
    }

    /// <summary>Whether the body is Grpc.Net.Client's streaming content, which writes nothing but what its writer is given.</summary>
    internal static bool IsNetClientContent(HttpContent content)
    {
        var type = content.GetType();
        return type.IsGenericType
            && type.Assembly == typeof(Grpc.Net.Client.GrpcChannel).Assembly
            && string.Equals(type.GetGenericTypeDefinition().FullName, "Grpc.Net.Client.Internal.Http.PushStreamContent`2", StringComparison.Ordinal);
    }

    private static bool IsRecordRoute(Uri? uri) =>
        uri is not null && (uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString).EndsWith(RecordRoutePath, StringComparison.Ordinal);
}
