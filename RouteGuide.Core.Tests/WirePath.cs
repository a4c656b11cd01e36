namespace RouteGuide.Core.Tests;

/// <summary>Which way RecordRoute's points travel in a <see cref="RouteGuideTestHost"/> started by the suite.</summary>
public enum WirePath
{
    /// <summary>The defaults: the server reads points in batches and the client frames them in bulk.</summary>
    Fast,

    /// <summary>Both new paths turned off: one message at a time through Grpc.AspNetCore's and Grpc.Net.Client's readers and writers.</summary>
    Standard,
}
