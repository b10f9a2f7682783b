"""nguon-cluster: the production cluster on one machine (PostgreSQL with RelStorage, Plone
instances, HAProxy, Varnish, SolrCloud, Mosquitto). The API is in ``nguon.cluster.stack``."""
