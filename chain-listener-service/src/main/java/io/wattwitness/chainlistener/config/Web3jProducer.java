package io.wattwitness.chainlistener.config;

import io.quarkus.logging.Log;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** The web3j client of the configured node (HTTP JSON-RPC, no subscriptions). */
public class Web3jProducer {

    @Produces
    @Singleton
    Web3j web3j(ListenerConfig config) {
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(config.rpcTimeout())
                .readTimeout(config.rpcTimeout())
                .writeTimeout(config.rpcTimeout())
                .retryOnConnectionFailure(false)
                .build();
        Log.infof("JSON-RPC node %s", config.rpcUrl());
        return Web3j.build(new HttpService(config.rpcUrl(), http));
    }

    void close(@Disposes Web3j web3j) {
        web3j.shutdown();
    }
}
